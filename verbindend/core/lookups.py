"""`__in` on integer columns drops numbers no column can hold, as Django's `exact` already does.

A value beyond 64 bits (`99999999999999999999` typed into a multi-select or a query string)
cannot match any row, but SQLite's driver refuses to bind it (OverflowError, a 500). Dropping it
before the query keeps the meaning (no row matches it) and never sends it to the database.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            kind = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(kind)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
