"""Request-wide security behaviour for signed-in staff."""

from django.utils.cache import add_never_cache_headers


def no_store_when_signed_in(get_response):
    """Pages shown to a signed-in user are never stored by the browser or a proxy.

    A shared clinic PC must not show a patient's page again through the back button after
    its user signed out.
    """

    def middleware(request):
        signed_in = request.user.is_authenticated
        response = get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware
