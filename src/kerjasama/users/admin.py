from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from kerjasama.users.models import Profile

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ("pihak",)


admin.site.unregister(User)


@admin.register(User)
class KerjasamaUserAdmin(UserAdmin):
    """Users with their kerjasama role inline."""

    inlines = (ProfileInline,)
