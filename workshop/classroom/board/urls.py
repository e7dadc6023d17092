from django.urls import path

from workshop.classroom.board import views

urlpatterns = [
    path("", views.page),
    path("state", views.state),
    path("classroom.json", views.classroom),
    path("reports", views.reports),
]
