from django.contrib.auth import views as auth_views
from django.urls import path

from inyeon.web.views import (
    accounts,
    analytics,
    auth,
    catalog,
    contacts,
    duplicates,
    exports,
    home,
    imports,
    logs,
)
from inyeon.web.views import calendar as calendar_views
from inyeon.web.views import contracts as contract_views
from inyeon.web.views import documents as document_views
from inyeon.web.views import quotes as quote_views
from inyeon.web.views.forecasts import urlpatterns as forecast_urlpatterns
from inyeon.web.views.lead_capture import urlpatterns as lead_capture_urls
from inyeon.web.views.lead_settings import urlpatterns as lead_settings_urls
from inyeon.web.views.leads import urlpatterns as lead_urls

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", auth.set_language, name="set_language"),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/export.csv", contacts.contact_export, name="contact_export"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/consents/", contacts.contact_consent, name="contact_consent"),
    path("contacts/<int:pk>/activities/", contacts.contact_activity, name="contact_activity"),
    path("activities/<int:pk>/done/", contacts.activity_done, name="activity_done"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account"),
    path("accounts/<int:pk>/edit/", accounts.account_edit, name="account_edit"),
    path("analytics/", analytics.analytics_home, name="analytics"),
    path("analytics/score/", analytics.analytics_score, name="analytics_score"),
    path("analytics/runs/<int:pk>/", analytics.scoring_run, name="scoring_run"),
    path("analytics/settings/", analytics.scoring_settings, name="scoring_settings"),
    path("audit/", logs.audit_log, name="audit"),
    path("audit/access/", logs.access_log, name="access_log"),
]
urlpatterns += imports.urlpatterns + exports.urlpatterns + duplicates.urlpatterns
urlpatterns += calendar_views.urlpatterns + document_views.urlpatterns
urlpatterns += catalog.urlpatterns

from inyeon.web.views import pipeline_admin, sales  # noqa: E402

urlpatterns += sales.urlpatterns + pipeline_admin.urlpatterns
urlpatterns += forecast_urlpatterns
urlpatterns += lead_urls + lead_settings_urls + lead_capture_urls
urlpatterns += quote_views.urlpatterns + contract_views.urlpatterns

from inyeon.web.views import tax_rates as tax_rate_views  # noqa: E402

urlpatterns += tax_rate_views.urlpatterns
