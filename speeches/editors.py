"""The Editors group: exactly the permissions to curate speeches, their paragraphs, speakers and venues."""

from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"

# (model, actions): editors add and change everything they curate; they withdraw speeches rather than delete
# them, and delete only what a merge or a correction removes.
PERMISSIONS = [
    ("speech", ["add", "change", "view", "publish"]),
    ("paragraph", ["add", "change", "delete", "view"]),
    ("speaker", ["add", "change", "delete", "view"]),
    ("speakeralias", ["add", "change", "delete", "view"]),
    ("venue", ["add", "change", "delete", "view"]),
    ("pendingrevision", ["change", "view"]),
]


def codenames():
    return [
        f"{action}_speech" if action == "publish" else f"{action}_{model}"
        for model, actions in PERMISSIONS
        for action in actions
    ]


def ensure_editors_group(**kwargs):
    """Create the Editors group, or set its permissions back to exactly the curating ones."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    permissions = Permission.objects.filter(content_type__app_label="speeches", codename__in=codenames())
    group.permissions.set(permissions)
    return group
