"""The staff home page."""

from django.shortcuts import render


def home(request):
    return render(request, "triage/home.html")
