"""SQL shapes the ORM does not write by itself."""

from __future__ import annotations

from django.db.models import BooleanField, F, Func, QuerySet, Subquery


class InSubquery(Func):
    """``column IN (subquery)``, as a condition to combine with others (``|``, ``&``).

    On PostgreSQL it is written ``column = ANY(ARRAY(subquery))``: the subquery then runs once, before the
    scan, and an index on the column serves the condition even under OR (two such conditions on one table
    become a BitmapOr of two index scans). A plain ``IN (subquery)`` under OR is a filter run on every row,
    and a condition through a join under OR (``meeting__group__in=... | owner__user=...``) keeps the
    planner from using an index at all."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, queryset: QuerySet) -> None:
        super().__init__(F(column), Subquery(queryset))

    def _sides(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])  # "(SELECT ...)"
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection, **extra_context):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection, **extra_context):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params
