from django.contrib import admin
from django.urls import include, path

from speeches import views
from speeches.methods import read_only

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", read_only(views.healthz), name="healthz"),
    path("readyz", read_only(views.readyz), name="readyz"),
    path("api/", include("speeches.api.urls")),
    path("", include("speeches.urls")),
]

# A failed database answers 503 with the archive's page and Retry-After; anything else, the plain 500 page.
handler500 = views.server_error
