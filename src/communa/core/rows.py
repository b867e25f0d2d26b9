"""Hot single-row reads from a statement written once (issue 11, docs/performance.md).

Building a query through the ORM costs more than running it: reading one membership by its two
keys takes about 630 µs through `Membership.objects.filter(...).first()` on PostgreSQL, 230 µs
from the same statement written once. A request that acts (a comment, a like) or shows a
member's page reads several such rows: its token or session user, the post, the member's
standing, a mute, the community's filter settings.

`read_one` keeps the statement for each (model, condition, order, joins), runs it with the
parameters, and builds the instance the way the ORM does (`Model.from_db`, the backend's and
the fields' converters: time zones, JSON, booleans on SQLite), so the row it returns is the row
the ORM would return. Forward foreign keys named in `join` come in the same statement (a LEFT
JOIN) and are cached on the instance as `select_related` would. The condition is plain SQL over
the base table's alias `t0`, with `%s` placeholders: write it for both SQLite and PostgreSQL.

A row of another model that no foreign key reaches (the reader's membership of a post's
community, say) can come in the same statement too (`Beside`): LEFT JOINed on a condition of
its own, and set on the instance under a name (None when no row matched).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Field, ForeignKey, Model, Value
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from communa.core.cursors import statement_cursor

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, Any], Any]
# The columns to read of the base model ("") and of each joined one, by attname; the others are
# left deferred, as `.only()` leaves them (`complete` reads them for the rows that need them).
Only = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class _Part:
    """One model's columns in the statement: where they start, how to build the instance."""

    model: type[Model]
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]  # (position, chain, column)
    link: ForeignKey | None  # the base's foreign key that reaches it (None: the base, a beside)
    pk_position: int
    beside: str = ""  # for a row read beside the base: the attribute it is set as


@dataclass(frozen=True)
class Beside:
    """A row of `model` read in the same statement as the base row: LEFT JOINed on `on`, SQL
    over the base's alias `t0` and this row's alias `b<n>` (the first is `b1`; `{b}` stands for
    it in a row that does not know its place, one another app offers), and set on the base
    instance as `name` (None when no row matched; the first when several did, in the
    statement's order). Its parameters come before the condition's."""

    name: str
    model: type[Model]
    on: str


@dataclass(frozen=True)
class _Extra:
    """A computed column after the models' (an EXISTS, say), set on the base instance."""

    name: str
    converters: tuple[Converter, ...]
    column: Any


@dataclass(frozen=True)
class _Statement:
    sql: str
    parts: tuple[_Part, ...]
    extras: tuple[_Extra, ...] = ()


_STATEMENTS: dict[tuple[Any, ...], _Statement] = {}
_KEPT_STATEMENTS = 1024


def _part(
    model: type[Model],
    alias: str,
    connection: Any,
    link: ForeignKey | None,
    only: tuple[str, ...] | None = None,
    *,
    beside: str = "",
) -> tuple[_Part, str]:
    fields = [
        field
        for field in model._meta.concrete_fields
        if only is None or field.primary_key or field.attname in only
    ]
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(alias)
        chain = tuple(
            connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        )
        if chain:
            converters.append((position, chain, column))
    quote = connection.ops.quote_name
    columns = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
    pk_position = [field.primary_key for field in fields].index(True)
    attnames = tuple(f.attname for f in fields)
    part = _Part(model, attnames, tuple(converters), link, pk_position, beside)
    return part, columns


def _statement(
    model: type[Model],
    where: str,
    order_by: str,
    join: tuple[str, ...],
    connection: Any,
    *,
    extra: tuple[tuple[str, str, Field], ...] = (),
    limit: str = " LIMIT 1",
    only: Only | None = None,
    beside: tuple[Beside, ...] = (),
) -> _Statement:
    key = (
        *(connection.alias, connection.vendor, model, where, order_by, join, extra, limit, only),
        beside,
    )
    found = _STATEMENTS.get(key)
    if found is not None:
        return found
    narrow = dict(only or ())
    quote = connection.ops.quote_name
    base, columns = _part(model, "t0", connection, None, narrow.get(""))
    parts, selected, joins = [base], [columns], []
    for index, name in enumerate(join, start=1):
        link = model._meta.get_field(name)
        if not isinstance(link, ForeignKey):
            raise TypeError(f"{model.__name__}.{name} is not a forward foreign key")
        related: type[Model] = link.related_model
        alias = f"j{index}"
        part, columns = _part(related, alias, connection, link, narrow.get(name))
        parts.append(part)
        selected.append(columns)
        target = link.target_field.column
        joins.append(
            f" LEFT JOIN {quote(related._meta.db_table)} {alias}"
            f" ON {alias}.{quote(target)} = t0.{quote(link.column)}"
        )
    for index, row in enumerate(beside, start=1):
        part, columns = _part(row.model, f"b{index}", connection, None, beside=row.name)
        parts.append(part)
        selected.append(columns)
        on = row.on.replace("{b}", f"b{index}")
        joins.append(f" LEFT JOIN {quote(row.model._meta.db_table)} b{index} ON {on}")
    extras = []
    for name, expression, field in extra:
        column = Value(None, output_field=field)
        chain = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        extras.append(_Extra(name, tuple(chain), column))
        selected.append(expression)
    # Names from the models' metadata and a condition from our code; values go as parameters.
    table = quote(model._meta.db_table)
    sql = f"SELECT {', '.join(selected)} FROM {table} t0{''.join(joins)}"  # noqa: S608
    sql += f" WHERE {where}"
    if order_by:
        sql += f" ORDER BY {order_by}"
    sql += limit
    statement = _Statement(sql, tuple(parts), tuple(extras))
    if len(_STATEMENTS) >= _KEPT_STATEMENTS:
        _STATEMENTS.clear()  # conditions that vary in shape (IN lists) must not grow it forever
    _STATEMENTS[key] = statement
    return statement


def _build(
    part: _Part, values: list[Any], connection: Any, plain: bool | None = None
) -> Model | None:
    if values[part.pk_position] is None:  # a LEFT JOIN that found nothing
        return None
    for position, chain, column in part.converters:
        value = values[position]
        for convert in chain:
            value = convert(value, column, connection)
        values[position] = value
    if not (_plain(part.model) if plain is None else plain):
        return part.model.from_db(connection.alias, part.attnames, values)
    # What `from_db` makes, made as unpickling makes an instance (`Model.__reduce__`): its
    # loaded fields in its `__dict__`, the others deferred (read on first use). `from_db` walks
    # every concrete field twice: 43 µs for a post of 84 columns read narrow, against 4.
    instance = part.model.__new__(part.model)
    state = ModelState()
    state.adding = False
    state.db = connection.alias
    instance._state = state
    instance.__dict__.update(zip(part.attnames, values, strict=True))
    return instance


def _plain(model: type[Model]) -> bool:
    """Whether the model is built the way Django builds any model: no `from_db` or `__init__`
    of its own, and nothing listens for its instances being made (`pre_init`, `post_init`: an
    image field with dimension fields does)."""
    return (
        model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and model.__init__ is Model.__init__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


# What a 64-bit integer column can hold (both databases).
_SMALLEST, _LARGEST = -(2**63), 2**63 - 1


def _adapt(value: Any, connection: Any) -> Any:
    # The ORM adapts a datetime before it reaches the driver (SQLite keeps naive UTC text).
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    # A number no column can hold (an id of 2**63 in an address) matches no row, as the ORM's
    # lookups answer it, instead of an overflow in the driver: NULL equals nothing.
    if isinstance(value, int) and not _SMALLEST <= value <= _LARGEST:
        return None
    return value


_UNSEEN = object()


def _instance(
    statement: _Statement,
    row: Sequence[Any],
    connection: Any,
    seen: dict[Any, Any] | None = None,
    plain: tuple[bool, ...] | None = None,
) -> Any:
    """The row's instance; `plain` says of each part whether it is built plainly (`_plain`,
    asked once for a page of rows rather than for each row: a fifth of building one)."""
    if plain is None:
        plain = tuple(_plain(part.model) for part in statement.parts)
    base, *joined = statement.parts
    start = len(base.attnames)
    instance = _build(base, list(row[:start]), connection, plain[0])  # the base's id is never null
    for index, part in enumerate(joined, start=1):
        values = list(row[start : start + len(part.attnames)])
        start += len(part.attnames)
        # A page's rows often join the same row (one community, a few authors): built once.
        key = (index, values[part.pk_position])
        related = seen.get(key, _UNSEEN) if seen is not None else _UNSEEN
        if related is _UNSEEN:
            related = _build(part, values, connection, plain[index])
            if seen is not None:
                seen[key] = related
        if part.beside:
            setattr(instance, part.beside, related)
        else:
            part.link.set_cached_value(instance, related)  # type: ignore[union-attr, arg-type]
    for extra in statement.extras:
        value = row[start]
        start += 1
        for convert in extra.converters:
            value = convert(value, extra.column, connection)
        setattr(instance, extra.name, value)
    return instance


def read_one(
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    order_by: str = "",
    join: tuple[str, ...] = (),
    beside: tuple[Beside, ...] = (),
    extra: tuple[tuple[str, str, Field], ...] = (),
    using: str = "default",
) -> M | None:
    """The first row of `model` matching `where` (SQL over the alias `t0`), or None; with the
    rows `beside` it and the computed columns `extra` (as `read_many`'s: the extras'
    parameters first in `params`, then the besides', then the condition's)."""
    connection = connections[using]
    statement = _statement(model, where, order_by, join, connection, beside=beside, extra=extra)
    with statement_cursor(connection) as cursor:
        cursor.execute(statement.sql, [_adapt(value, connection) for value in params])
        row = cursor.fetchone()
    return None if row is None else _instance(statement, row, connection)


def read_many(
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    order_by: str,
    limit: int | None,
    join: tuple[str, ...] = (),
    extra: tuple[tuple[str, str, Field], ...] = (),
    only: Only | None = None,
    beside: tuple[Beside, ...] = (),
    using: str = "default",
) -> list[M]:
    """Up to `limit` rows of `model` matching `where`, in `order_by`: a page of rows (all of
    them with `limit=None`: the replies to a page of comments, say).

    `extra` adds computed columns, (attribute, SQL expression, field for its type), set on each
    instance as an annotation would be; their parameters come first in `params`, before the
    condition's. `beside` reads a row of another model with each (`Beside`); their parameters
    come after the extras' and before the condition's.
    """
    return read_rows(
        model,
        where,
        params,
        order_by=order_by,
        limit=limit,
        join=join,
        extra=extra,
        only=only,
        beside=beside,
        using=using,
    ).models()


class Rows(Generic[M]):
    """The rows a statement gave, as the database sent them (`rows`: plain values, to compare
    or to name in a kept page's key) and, built only when asked, as models (`models`)."""

    def __init__(self, statement: _Statement, rows: list[Any], connection: Any) -> None:
        self.statement = statement
        self.rows = rows
        self.connection = connection

    @property
    def pk_position(self) -> int:
        """Where each row holds the base model's id."""
        return self.statement.parts[0].pk_position

    def models(self, rows: Sequence[Any] | None = None) -> list[Any]:
        """Models of these rows (of `rows`, some of them), as `read_many` gives them."""
        seen: dict[Any, Any] = {}  # the joined rows built so far, by part and id
        chosen = self.rows if rows is None else rows
        plain = tuple(_plain(part.model) for part in self.statement.parts)
        return [_instance(self.statement, row, self.connection, seen, plain) for row in chosen]


def read_rows(
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    order_by: str,
    limit: int | None,
    join: tuple[str, ...] = (),
    extra: tuple[tuple[str, str, Field], ...] = (),
    only: Only | None = None,
    beside: tuple[Beside, ...] = (),
    using: str = "default",
) -> Rows[M]:
    """`read_many`'s rows, not yet built: for a page kept under the values it is made of, the
    values decide whether it must be built at all."""
    connection = connections[using]
    # The limit is written into the statement, not bound: with it bound, PostgreSQL's generic
    # plan of a kept statement assumes a tenth of the rows, costs more than a planned one, and
    # the statement was planned again on every run (docs/performance.md, "kept plans").
    bound = "" if limit is None else f" LIMIT {int(limit)}"
    statement = _statement(
        *(model, where, order_by, join, connection),
        extra=extra,
        limit=bound,
        only=only,
        beside=beside,
    )
    with statement_cursor(connection) as cursor:
        cursor.execute(statement.sql, [_adapt(value, connection) for value in params])
        rows = cursor.fetchall()
    return Rows(statement, rows, connection)


def complete(instances: Sequence[M], *, join: tuple[str, ...] = (), using: str = "default") -> None:
    """Read again, whole, the rows `read_many(only=...)` left narrow, in one statement: each
    instance and its joined rows get every column of that newer read (the columns read before
    too, so that an instance is one row as it was at one moment). A row deleted since stays as it
    was: Communa marks posts deleted rather than deleting them, so only an operator's delete in
    the admin between the two reads leaves one, and reading its deferred columns then fails as
    Django's `.only()` rows fail."""
    wanted = [instance for instance in instances if _narrow(instance, join)]
    if not wanted:
        return
    model = type(wanted[0])
    connection = connections[using]
    column = connection.ops.quote_name(str(model._meta.pk.column))
    ids = list(dict.fromkeys(instance.pk for instance in wanted))
    where = f"t0.{column} IN ({', '.join(['%s'] * len(ids))})"
    whole = {
        row.pk: row
        for row in read_many(model, where, ids, order_by="", limit=None, join=join, using=using)
    }
    for instance in wanted:
        source = whole.get(instance.pk)
        if source is None:
            continue
        _take(instance, source)
        for name in join:
            link = model._meta.get_field(name)
            mine = link.get_cached_value(instance, None)  # type: ignore[union-attr]
            theirs = link.get_cached_value(source, None)  # type: ignore[union-attr]
            if mine is not None and theirs is not None and mine.pk == theirs.pk:
                _take(mine, theirs)
            else:  # the row now points elsewhere: take the newer row's
                link.set_cached_value(instance, theirs)  # type: ignore[union-attr]


def _narrow(instance: Model, join: tuple[str, ...]) -> bool:
    if instance.get_deferred_fields():
        return True
    for name in join:
        related = instance._meta.get_field(name).get_cached_value(instance, None)  # type: ignore[union-attr]
        if related is not None and related.get_deferred_fields():
            return True
    return False


def _take(target: Model, source: Model) -> None:
    for field in target._meta.concrete_fields:
        target.__dict__[field.attname] = source.__dict__[field.attname]


def read_ids(sql: str, params: Sequence[Any], *, using: str = "default") -> list[int]:
    """The first column of a statement written once, as a list (ids, for a page's filters)."""
    connection = connections[using]
    with statement_cursor(connection) as cursor:
        cursor.execute(sql, [_adapt(value, connection) for value in params])
        return [row[0] for row in cursor.fetchall()]


def converters_of(
    fields: Sequence[Field | None], *, using: str = "default"
) -> list[tuple[Any, ...]]:
    """For each field, what turns its column as the driver reads it into the ORM's value (None:
    a column kept as the driver reads it). Worked out once per list of fields and database
    (asked on every wall page, it cost as much as converting the page's values)."""
    connection = connections[using]
    key = (connection.alias, connection.vendor, tuple(fields))
    found = _CONVERTERS.get(key)
    if found is None:
        found = _CONVERTERS[key] = _converters(fields, connection)
    return found


_CONVERTERS: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}


def _converters(fields: Sequence[Field | None], connection: Any) -> list[tuple[Any, ...]]:
    chains: list[tuple[Any, ...]] = []
    for field in fields:
        if field is None:
            chains.append(((), None))
            continue
        column = field.get_col(field.model._meta.db_table)
        chain = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        chains.append((tuple(chain), column))
    return chains


def read_values(
    sql: str,
    params: Sequence[Any],
    converters: Sequence[tuple[Any, ...]],
    *,
    using: str = "default",
) -> list[list[Any]]:
    """The rows of a statement written once, each column turned into the ORM's value by its
    field's `converters_of` (datetimes, booleans on SQLite): what `.values_list()` would give."""
    connection = connections[using]
    with statement_cursor(connection) as cursor:
        cursor.execute(sql, [_adapt(value, connection) for value in params])
        rows = cursor.fetchall()
    # Only the columns that have something to convert (on PostgreSQL, few or none).
    active = [(position, *pair) for position, pair in enumerate(converters) if pair[0]]
    out = []
    for row in rows:
        values = list(row)
        for position, chain, column in active:
            for convert in chain:
                values[position] = convert(values[position], column, connection)
        out.append(values)
    return out
