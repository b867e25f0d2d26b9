"""Time zone names as exports write them, mapped to the tz database's (IANA) names.

Exports name zones the way Windows or Java print them ("Eastern Standard Time", "Fernando de
Noronha Time"), not as tz names. Each such name stands for a place whose clock follows summer
time where that place does: "Eastern Standard Time" is New York's clock all year, in October its
daylight time too (Windows and Java print the standard name whatever the season). Where Windows
and Java disagree on a name, the Java reading wins, as the Klout sample is written in it (its
"Samoa Standard Time" is UTC−11, American Samoa). A name already in the tz database is taken as
it is.
"""

from __future__ import annotations

from communa.core.moments import known_zone

# Windows zone ids (CLDR's windowsZones, the "001" territory) and Java's long display names.
ZONE_NAMES: dict[str, str] = {
    # North and South America
    "Hawaii-Aleutian Standard Time": "Pacific/Honolulu",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaska Standard Time": "America/Anchorage",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles",
    "Mountain Standard Time": "America/Denver",
    "US Mountain Standard Time": "America/Phoenix",
    "Central Standard Time": "America/Chicago",
    "Eastern Standard Time": "America/New_York",
    "Atlantic Standard Time": "America/Halifax",
    "Newfoundland Standard Time": "America/St_Johns",
    "Venezuela Time": "America/Caracas",
    "Venezuela Standard Time": "America/Caracas",
    "Paraguay Time": "America/Asuncion",
    "Paraguay Standard Time": "America/Asuncion",
    "Argentina Standard Time": "America/Argentina/Buenos_Aires",
    "Argentina Time": "America/Argentina/Buenos_Aires",
    "Brasília Standard Time": "America/Sao_Paulo",
    "Brasilia Time": "America/Sao_Paulo",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Fernando de Noronha Time": "America/Noronha",
    "Chile Standard Time": "America/Santiago",
    "Colombia Time": "America/Bogota",
    "SA Pacific Standard Time": "America/Bogota",
    # Europe and Africa
    "Greenwich Mean Time": "Europe/London",
    "GMT Standard Time": "Europe/London",
    "Western European Time": "Europe/Lisbon",
    "Central European Time": "Europe/Paris",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "Eastern European Time": "Europe/Athens",
    "GTB Standard Time": "Europe/Bucharest",
    "FLE Standard Time": "Europe/Kiev",
    "Moscow Standard Time": "Europe/Moscow",
    "Russian Standard Time": "Europe/Moscow",
    "South Africa Standard Time": "Africa/Johannesburg",
    # Asia and the Pacific
    "Arabian Standard Time": "Asia/Dubai",
    "India Standard Time": "Asia/Kolkata",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "Bangladesh Time": "Asia/Dhaka",
    "Thailand Standard Time": "Asia/Bangkok",
    "SE Asia Standard Time": "Asia/Bangkok",
    "Indochina Time": "Asia/Bangkok",
    "Indonesia Western Time": "Asia/Jakarta",
    "West Indonesia Time": "Asia/Jakarta",
    "Singapore Time": "Asia/Singapore",
    "Singapore Standard Time": "Asia/Singapore",
    "China Standard Time": "Asia/Shanghai",
    "Korea Standard Time": "Asia/Seoul",
    "Japan Standard Time": "Asia/Tokyo",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Australian Eastern Standard Time": "Australia/Sydney",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "Australian Central Standard Time": "Australia/Adelaide",
    "Australian Western Standard Time": "Australia/Perth",
    "Norfolk Time": "Pacific/Norfolk",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Samoa Standard Time": "Pacific/Pago_Pago",
    "Coordinated Universal Time": "UTC",
    "UTC": "UTC",
}
# What an export writes for "no zone": the person's zone is unknown (the community's is used).
UNKNOWN_ZONE = frozenset({"", "\\N", "NULL", "null", "None"})


def iana_zone(name: str) -> str | None:
    """The tz database name of a zone as an export writes it; "" when the file says it is
    unknown; None when the name means nothing we know."""
    # Some exports put a no-break space inside names ("Fernando de Noronha\xa0Time").
    cleaned = " ".join(name.replace("\xa0", " ").split())
    if cleaned in UNKNOWN_ZONE:
        return ""
    if cleaned in ZONE_NAMES:
        return ZONE_NAMES[cleaned]
    found = known_zone(cleaned)
    return found.key if found is not None else None
