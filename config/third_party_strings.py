"""Third-party strings shown on our pages, so that makemessages keeps them in our own locale files.

django-axes (login throttling) does not ship a Japanese catalogue; listing its msgids here, exactly as in its
source, lets locale/ja translate them. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

AXES = [
    gettext_noop('Attempt Time'),
    gettext_noop('access attempt expiration'),
    gettext_noop('Access Attempt'),
    gettext_noop('HTTP Accept'),
    gettext_noop('Path'),
    gettext_noop('The time when access attempt expires and is no longer valid.'),
    gettext_noop('access attempt expirations'),
    gettext_noop('Session key hash (sha256)'),
    gettext_noop('Attempt Remaining'),
    gettext_noop('GET Data'),
    gettext_noop('POST Data'),
    gettext_noop('Not set'),
    gettext_noop('access attempt'),
    gettext_noop('User Agent'),
    gettext_noop('Account locked: too many login attempts. Please try again later.'),
    gettext_noop('Expires At'),
    gettext_noop('Username'),
    gettext_noop('Access lock out'),
    gettext_noop('access logs'),
    gettext_noop('access failures'),
    gettext_noop('Form Data'),
    gettext_noop('Failed Logins'),
    gettext_noop('access log'),
    gettext_noop('Logout Time'),
    gettext_noop('access attempts'),
    gettext_noop('Meta Data'),
    gettext_noop('IP Address'),
    gettext_noop('access failure'),
    gettext_noop('Locked Out'),
    gettext_noop('Account locked: too many login attempts. Contact an admin to unlock your account.'),
]
