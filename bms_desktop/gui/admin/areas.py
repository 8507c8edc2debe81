"""The pages of the admin console, in the order of its left-hand list.

One line per area; each class is an ``AdminAreaWidget`` (see ``area_base``). admin-B appends its
areas here (pricing, ticket types, coupons, staff, settings, audit log). Stable ``area_key``s
(used by the checklist and ``AdminWindow.show_area``): places, screens, movies, shows, pricing,
ticket_types, coupons, staff, settings, audit.
"""

from __future__ import annotations

from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.audit_area import AuditLogArea
from bms_desktop.gui.admin.coupons_area import CouponsArea
from bms_desktop.gui.admin.movies_area import MoviesArea
from bms_desktop.gui.admin.places_area import PlacesArea
from bms_desktop.gui.admin.pricing_area import PricingArea
from bms_desktop.gui.admin.screens_area import ScreensArea
from bms_desktop.gui.admin.settings_area import SettingsArea
from bms_desktop.gui.admin.shows_area import ShowsArea
from bms_desktop.gui.admin.staff_area import StaffArea
from bms_desktop.gui.admin.ticket_types_area import TicketTypesArea

AREA_CLASSES: list[type[AdminAreaWidget]] = [
    # admin-A's areas
    PlacesArea,
    ScreensArea,
    MoviesArea,
    ShowsArea,
    # admin-B's areas (one line each, below)
    PricingArea,
    TicketTypesArea,
    CouponsArea,
    StaffArea,
    SettingsArea,
    AuditLogArea,
]
