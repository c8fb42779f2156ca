// The Django side of the csrftoken interop tests (test/csrf/django-interop.test.ts, test/browser/django-csrf.test.ts).

/** Django's side: a token endpoint (`get_token`, as `{% csrf_token %}` and `ensure_csrf_cookie` use) and a protected write. */
export const djangoCsrfViews = `from django.http import JsonResponse
from django.middleware.csrf import get_token


def token(request):
    return JsonResponse({"csrfToken": get_token(request)})


def write(request):
    return JsonResponse({"ok": True, "method": request.method})
`;

export const djangoCsrfUrls = `from django.urls import path
import views

urlpatterns = [
    path("api/token/", views.token),
    path("api/write/", views.write),
]
`;
