"""Hot writes from statements written once (issue 11): adding rows, moving counters.

A like writes its row, its event and the post's counter, then reads the counter back; a comment
writes its row, its event, a notification, the addressee's unread count and the post's counter.
Through the ORM each of these statements is built and compiled again on every request:
`Model.objects.create()` costs about 0.3 ms of Python before the row reaches the database, an
`update(count=F("count") + 1)` about 0.2 ms, more than PostgreSQL takes to run either.

`insert` keeps one INSERT per model (and number of rows) and fills it with the values the ORM
would send: each concrete field's `pre_save` (defaults, `auto_now_add`) and `get_db_prep_save`
(time zones, JSON), the new ids read back with RETURNING. A model with a `pre_save` or
`post_save` receiver, a value that is an expression, or a database that cannot return the ids
goes through the ORM, as before. `add_to` keeps one `UPDATE … SET c = c + %s` per model, columns
and number of rows, and can return the new values (no second read for the count a like shows).
`insert_and_add` adds rows and moves the counters of the rows they point at (a notification and
its recipient's unread count) in one statement on PostgreSQL.

`sent_together` sends the writes of a block in one round trip on PostgreSQL (psycopg's pipeline
mode) instead of one each: a published comment's event, notification, unread count and post
counter went as four round trips, now as one. The new rows' ids arrive when the block ends.
`written_together` is a transaction that sends its BEGIN with its first statement and its COMMIT
with its last: a comment's row, then everything else with the COMMIT, two round trips.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connections, transaction
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    EmailField,
    Field,
    ForeignKey,
    Model,
    SlugField,
    SmallAutoField,
    TextField,
    URLField,
)
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from communa.core.cursors import statement_cursor

M = TypeVar("M", bound=Model)

_STATEMENTS: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_KEPT_STATEMENTS = 256


def _kept(key: tuple[Any, ...], make: Any) -> tuple[str, tuple[Any, ...]]:
    found = _STATEMENTS.get(key)
    if found is None:
        if len(_STATEMENTS) >= _KEPT_STATEMENTS:
            _STATEMENTS.clear()
        found = _STATEMENTS[key] = make()
    return found


def _insert_statement(
    model: type[Model], rows: int, connection: Any
) -> tuple[str, tuple[Any, ...]]:
    def make() -> tuple[str, tuple[Any, ...]]:
        quote = connection.ops.quote_name
        pk = model._meta.pk
        fields = tuple(field for field in model._meta.concrete_fields if field is not pk)
        marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
        columns = ", ".join(quote(field.column) for field in fields)
        # Names from the models' metadata; every value goes as a parameter.
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({columns})"  # noqa: S608
            f" VALUES {', '.join([marks] * rows)} RETURNING {quote(str(pk.column))}"
        )
        return sql, fields

    return _kept(("insert", connection.alias, connection.vendor, model, rows), make)


_AUTO = {"AutoField", "BigAutoField", "SmallAutoField"}


def _through_orm(instances: Sequence[Model], connection: Any) -> bool:
    """Whether these rows go through the ORM: receivers to call, ids of their own, or a
    database that cannot return the ids it gives."""
    model = type(instances[0])
    return (
        not connection.features.can_return_rows_from_bulk_insert
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or model._meta.pk.get_internal_type() not in _AUTO
        or any(instance.pk is not None for instance in instances)
    )


def _orm_insert(instances: Sequence[M], using: str) -> list[M]:
    if len(instances) == 1:
        instances[0].save(force_insert=True, using=using)
        return list(instances)
    return type(instances[0])._default_manager.using(using).bulk_create(list(instances))


def insert(*instances: M, using: str = "default") -> list[M]:
    """Add the rows of these new instances of one model, as `save()` would add them, and give
    each its id; one statement for all of them."""
    if not instances:
        return []
    connection = connections[using]
    prepared = _prepared(instances, connection)
    if prepared is None:
        return _orm_insert(instances, using)
    sql, values = prepared
    _run_insert(connection, sql, values, instances, using)
    return list(instances)


def insert_and_add(
    *instances: M, link: str, deltas: Mapping[str, int], using: str = "default"
) -> list[M]:
    """`insert(*instances)`, then `add_to` the rows their foreign key `link` points at, each
    row once: `insert_and_add(*notes, link="recipient", deltas={"unread_notifications": 1})`. On
    PostgreSQL one statement (the UPDATE reads the ids the INSERT returns, in one WITH), so a
    notification and its recipient's unread count cost one statement, not two."""
    if not instances:
        return []
    connection = connections[using]
    field = type(instances[0])._meta.get_field(link)
    target: type[Model] = field.related_model  # type: ignore[assignment]
    prepared = _prepared(instances, connection) if connection.vendor == "postgresql" else None
    if prepared is None:
        with transaction.atomic(using=using, savepoint=False):  # both or neither
            made = insert(*instances, using=using)
            pointed = [getattr(row, field.attname) for row in made]  # type: ignore[union-attr]
            targets = list(dict.fromkeys(pk for pk in pointed if pk is not None))
            add_to(target, targets, deltas, using=using)
        return made
    names = tuple(deltas)
    model = type(instances[0])

    def make() -> tuple[str, tuple[Any, ...]]:
        quote = connection.ops.quote_name
        rows, _fields = _insert_statement(model, len(instances), connection)
        pk, pointer = quote(str(model._meta.pk.column)), quote(str(field.column))  # type: ignore[union-attr]
        columns = [str(target._meta.get_field(name).column) for name in names]  # type: ignore[union-attr]
        sets = ", ".join(f"{quote(c)} = {quote(c)} + %s" for c in columns)
        table, key = quote(target._meta.db_table), quote(str(target._meta.pk.column))
        # Names from the models' metadata; every value goes as a parameter. The ids in the
        # order of the rows: one INSERT takes its ids from the sequence in that order.
        sql = (
            f"WITH made AS ({rows}, {pointer}), counted AS (UPDATE {table} SET {sets}"  # noqa: S608
            f" WHERE {key} IN (SELECT {pointer} FROM made)) SELECT {pk} FROM made ORDER BY {pk}"
        )
        return sql, ()

    key = ("insert-add", connection.alias, model, len(instances), link, target, names)
    sql, _ = _kept(key, make)
    _run_insert(connection, sql, [*prepared[1], *deltas.values()], instances, using)
    return list(instances)


def _prepared(instances: Sequence[Model], connection: Any) -> tuple[str, list[Any]] | None:
    """The kept INSERT for these rows and its values; None when the ORM must write them."""
    model = type(instances[0])
    if any(type(instance) is not model for instance in instances):
        raise TypeError("insert takes instances of one model")
    if _through_orm(instances, connection):
        return None
    sql, fields = _insert_statement(model, len(instances), connection)
    kinds = _kinds(fields)
    values: list[Any] = []
    for instance in instances:
        for field, kind in zip(fields, kinds, strict=True):
            if kind is not None:
                value = instance.__dict__.get(field.attname)
                if value is None or type(value) is kind or (kind is str and isinstance(value, str)):
                    values.append(value)  # what the field would send: the value itself
                    continue
            value = field.pre_save(instance, add=True)
            if hasattr(value, "resolve_expression"):
                return None  # an expression: the ORM compiles it
            values.append(field.get_db_prep_save(value, connection=connection))
    return sql, values


# Django's fields whose `pre_save` reads the attribute and whose `get_db_prep_save` gives back a
# value of this type as it is (None too), on both databases; other fields and values are asked.
_SENT_AS_THEY_ARE: dict[type[Field], type] = {
    **dict.fromkeys((CharField, TextField, SlugField, EmailField, URLField), str),
    # Ids (a key's target); other integer columns go to PostgreSQL typed (`Int4`, ...).
    **dict.fromkeys((AutoField, BigAutoField, SmallAutoField), int),
    BooleanField: bool,
}
_KINDS: dict[tuple[Field, ...], tuple[type | None, ...]] = {}


def _kinds(fields: tuple[Field, ...]) -> tuple[type | None, ...]:
    """For each field, the type of the values it sends as they are (`_SENT_AS_THEY_ARE`; a key to
    such a field as its target's): 8 fields of an event through `pre_save` and
    `get_db_prep_save` cost a third of adding it."""
    found = _KINDS.get(fields)
    if found is None:
        kinds = []
        for field in fields:
            target = field.target_field if type(field) is ForeignKey else field
            kinds.append(_SENT_AS_THEY_ARE.get(type(target)))
        found = _KINDS[fields] = tuple(kinds)
    return found


def _run_insert(
    connection: Any, sql: str, values: list[Any], instances: Sequence[Model], using: str
) -> None:
    batch: list[tuple[Any, Sequence[Model], str]] | None = getattr(connection, _BATCH, None)
    if batch is not None:
        # In a block sent together: the ids are read once the block's writes have all gone.
        cursor = statement_cursor(connection, fresh=True)
        cursor.execute(sql, values)
        batch.append((cursor, instances, using))
        return
    with statement_cursor(connection) as cursor:
        cursor.execute(sql, values)
        _give_ids(cursor, instances, using)


def _give_ids(cursor: Any, instances: Sequence[Model], using: str) -> None:
    ids = [row[0] for row in cursor.fetchall()]
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = using


# The connection's list of inserts made in a block sent together, while one is open.
_BATCH = "_communa_sent_together"
# The inserts of the blocks sent together inside `written_together`, given their ids at its end.
_TRIP = "_communa_written_together"


@contextmanager
def sent_together(using: str = "default") -> Iterator[None]:
    """Send the statements of this block together, not one round trip each.

    On PostgreSQL the block runs in psycopg's pipeline mode: each statement goes without
    waiting for the one before, and the block waits once, at its end, for all of them. An
    error in any of them is raised there, as the database error the ORM raises. The block is
    one transaction (part of the caller's, or its own when there is none): stopped by any
    error, the database's or the code's, it writes nothing. Rows added with `insert` get their
    ids at the end of the block, not before; a statement whose result is read inside the block
    (a select, `add_to(returning=True)`) still works, at the cost of its own round trip. A
    block inside another is part of it; on another database the statements go one by one."""
    connection = connections[using]
    if getattr(connection, _BATCH, None) is not None:
        yield
        return
    trip: list[tuple[Any, Sequence[Model], str]] | None = getattr(connection, _TRIP, None)
    if trip is not None:
        # Already in the pipeline of `written_together`: its end reads the ids.
        setattr(connection, _BATCH, trip)
        try:
            yield
        finally:
            setattr(connection, _BATCH, None)
        return
    with transaction.atomic(using=using, savepoint=False):
        if connection.vendor != "postgresql":
            yield
            return
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        batch: list[tuple[Any, Sequence[Model], str]] = []
        setattr(connection, _BATCH, batch)
        try:
            with connection.wrap_database_errors, connection.connection.pipeline():
                yield
            for cursor, instances, alias in batch:
                _give_ids(cursor, instances, alias)
        finally:
            setattr(connection, _BATCH, None)
            for cursor, _instances, _alias in batch:
                cursor.close()


@contextmanager
def written_together(using: str = "default") -> Iterator[None]:
    """A transaction (`transaction.atomic`) whose BEGIN goes with its first statement and whose
    COMMIT goes with its last: a write that reads one result costs two round trips, not four.

    On PostgreSQL the block runs in psycopg's pipeline mode, and sends the transaction's BEGIN
    and COMMIT itself (psycopg waits for its own BEGIN before anything else goes). A result read
    in the block (a new row's id from `insert`, a select) waits for the statements before it;
    the writes of a block sent together inside it (`sent_together`) wait for nothing, and their
    rows get their ids when this block ends, in the round trip of the COMMIT. A published
    comment: its row and the BEGIN in one round trip, its event, notification and counters with
    the COMMIT in the second (before: BEGIN, the row, the rest, COMMIT).

    As in `sent_together`, an error is raised when its statement's result arrives, not at the
    statement: in the block, no savepoint catches a database error, and an ORM count or `save()`
    of an existing row, which read what their statement did, must not be used. Any error, the
    database's (also the COMMIT's own, such as a foreign key checked at the end) or the code's,
    writes nothing. Inside another transaction the block is part of it; on another database it
    is `transaction.atomic()`."""
    connection = connections[using]
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block  # also inside a block sent together
        or not connection.get_autocommit()
    ):
        with transaction.atomic(using=using):
            yield
        return
    with transaction.atomic(using=using):
        raw = connection.connection
        ends = raw.cursor()
        trip: list[tuple[Any, Sequence[Model], str]] = []
        # psycopg sends no BEGIN of its own now (Django's end of the block sets autocommit back).
        raw.autocommit = True
        setattr(connection, _TRIP, trip)
        try:
            with connection.wrap_database_errors, raw.pipeline():
                ends.execute(b"BEGIN", prepare=False)
                yield
                ends.execute(b"COMMIT", prepare=False)
            # The transaction has ended: Django's commit at the end of the block finds nothing
            # to do; after an error, its rollback ends whatever is still open.
            for cursor, instances, alias in trip:
                _give_ids(cursor, instances, alias)
        finally:
            setattr(connection, _TRIP, None)
            ends.close()
            for cursor, _instances, _alias in trip:
                cursor.close()


def add_to(
    model: type[Model],
    ids: int | Sequence[int],
    deltas: Mapping[str, int],
    *,
    returning: bool = False,
    using: str = "default",
) -> list[int] | None:
    """Move counters of the rows with these ids: `add_to(Post, 7, {"like_count": 1})`. With
    `returning`, the new values of the first counter named, one for each row changed (for one
    id: `[its new value]`, or `[]` when no row has it); None without."""
    many = not isinstance(ids, int)
    keys = list(ids) if many else [ids]  # type: ignore[arg-type]
    if not keys:
        return [] if returning else None
    connection = connections[using]
    names = tuple(deltas)

    def make() -> tuple[str, tuple[Any, ...]]:
        quote = connection.ops.quote_name
        columns = [str(model._meta.get_field(name).column) for name in names]  # type: ignore[union-attr]
        sets = ", ".join(f"{quote(c)} = {quote(c)} + %s" for c in columns)
        marks = ", ".join(["%s"] * len(keys))
        pk = quote(str(model._meta.pk.column))
        # Names from the models' metadata; every value goes as a parameter.
        sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {pk} IN ({marks})"  # noqa: S608
        if returning:
            sql += f" RETURNING {quote(columns[0])}"
        return sql, ()

    key = ("add", connection.alias, connection.vendor, model, names, len(keys), returning)
    sql, _ = _kept(key, make)
    with statement_cursor(connection) as cursor:
        cursor.execute(sql, [*deltas.values(), *keys])
        if returning:
            return [row[0] for row in cursor.fetchall()]
    return None


def remove(model: type[Model], using: str = "default", **values: Any) -> int:
    """Delete the rows whose columns hold these values (None: the column is null), as
    `model.objects.filter(**values).delete()` would, and return how many. A model with delete
    receivers or with rows of other models pointing at it goes through the ORM (its collector
    cascades and sends the signals)."""
    connection = connections[using]
    if (
        pre_delete.has_listeners(model)
        or post_delete.has_listeners(model)
        or model._meta.related_objects
    ):
        deleted, _rows = model._default_manager.using(using).filter(**values).delete()
        return int(deleted)
    names = tuple(sorted(values))
    nulls = tuple(values[name] is None for name in names)

    def make() -> tuple[str, tuple[Any, ...]]:
        quote = connection.ops.quote_name
        fields = [model._meta.get_field(name) for name in names]
        columns = [quote(str(field.column)) for field in fields]  # type: ignore[union-attr]
        conditions = [
            f"{column} IS NULL" if null else f"{column} = %s"
            for column, null in zip(columns, nulls, strict=True)
        ]
        # Names from the models' metadata; every value goes as a parameter.
        sql = f"DELETE FROM {quote(model._meta.db_table)} WHERE {' AND '.join(conditions)}"  # noqa: S608
        return sql, tuple(fields)

    sql, fields = _kept(("remove", connection.alias, connection.vendor, model, names, nulls), make)
    params = [
        field.get_db_prep_value(getattr(values[name], "pk", values[name]), connection)
        for name, field in zip(names, fields, strict=True)
        if values[name] is not None
    ]
    with statement_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
