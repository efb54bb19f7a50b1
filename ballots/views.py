from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Ballot


def ballot_list(request):
    ballots = Ballot.objects.select_related("group", "proposer").order_by("group__name", "identifier")
    page = Paginator(ballots, 50).get_page(request.GET.get("page"))
    return render(request, "ballots/ballot_list.html", {"page": page})


def ballot_detail(request, identifier):
    ballot = get_object_or_404(
        Ballot.objects.select_related("group", "proposer__organization").prefetch_related(
            "endorsements__person", "endorsements__organization", "mentions__meeting"
        ),
        identifier=identifier,
    )
    return render(request, "ballots/ballot_detail.html", {"ballot": ballot})
