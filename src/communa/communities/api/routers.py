"""The communities API's two routers: `/communities` and, beside the accounts app's, `/me`."""

from ninja import Router

router = Router(tags=["communities"])
# Mounted at /me beside the accounts app's router: "my communities" belongs to this app.
me_router = Router(tags=["communities"])

# The operation ids stay those of the single module this package grew from (api.openapi).
OPERATION_ID_PREFIX = "communa_communities_api"
