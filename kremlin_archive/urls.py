from django.contrib import admin
from django.urls import include, path

from speeches import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("speeches.urls")),
]
