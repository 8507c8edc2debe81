"""Admin console services (issue 8), one module per area.

admin-A: ``places`` (cities and cinemas), ``screens`` (screens, seat layouts, per-show seat
blocking), ``movies``, ``shows`` (single shows, schedules, cancelling a show), ``setup`` (the
first-run checklist). admin-B: pricing, ticket types, coupons, staff, settings, audit log.
Shared helpers: ``common``; DTOs: ``dto`` (and ``dto_<area>`` modules).

Every function takes ``(box, ctx, ...)``, refuses anyone below the role it needs (in the
service, not only in the GUI), validates every field against the column it lands in (the same
limits on SQLite and PostgreSQL), writes an audit row with before/after values, and changes
nothing when it refuses.
"""
