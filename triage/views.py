"""The staff home page: the nurse's worklist."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from . import intake_services
from .worklist import GROUP_TITLES, build_worklist


@permission_required("triage.view_followup", raise_exception=True)
def home(request):
    shown = request.GET.get("show", "")
    groups = build_worklist(
        today=timezone.localdate(), group=shown, page_number=request.GET.get("page")
    )
    return render(
        request,
        "triage/home.html",
        {
            "groups": groups,
            "shown": shown if shown in GROUP_TITLES else "",
            "group_titles": GROUP_TITLES,
            "drafts": intake_services.drafts_for(request.user),
        },
    )
