from django.urls import path

from marquee.marketing import views

app_name = "marketing"
urlpatterns = [path("<str:token>/", views.unsubscribe, name="unsubscribe")]
