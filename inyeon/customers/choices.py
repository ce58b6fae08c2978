"""Enumerations of the customer 360 core, with Korean terms in the catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LifecycleStage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    NEW = "new", _("New")
    EXISTING = "existing", _("Existing")
    CORE = "core", _("Core")
    CHURNED = "churned", _("Churned")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    MAIL = "mail", _("Mail")
    IN_PERSON = "in_person", _("In person")


class ConsentChannel(models.TextChoices):
    EMAIL = "email", _("Marketing e-mail")
    SMS = "sms", _("Marketing SMS")
    PHONE = "phone", _("Marketing phone calls")
    POST = "post", _("Marketing post")
    NIGHT = "night", _("Night-time advertising (21:00-08:00)")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NameOrder(models.TextChoices):
    EASTERN = "eastern", _("Family name first")
    WESTERN = "western", _("Given name first")


class ActivityKind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    TASK = "task", _("Task")


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class OrderChannel(models.TextChoices):
    ONLINE = "online", _("Online shop")
    STORE = "store", _("Store")
    PHONE = "phone", _("Phone")
    SALES = "sales", _("Sales rep")
    PARTNER = "partner", _("Partner")


class AddressKind(models.TextChoices):
    HOME = "home", pgettext_lazy("address kind", "Home")
    WORK = "work", pgettext_lazy("address kind", "Work")
    BILLING = "billing", _("Billing")
    SHIPPING = "shipping", _("Shipping")
