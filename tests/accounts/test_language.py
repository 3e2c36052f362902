"""The admin is Japanese first, whatever the browser asks for; staff can switch to English."""


def test_the_admin_is_japanese_even_for_an_english_browser(admin_client):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="ja"' in html
    assert "ECアカウント" in html


def test_staff_can_switch_to_english_and_back(admin_client):
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert 'lang="en"' in admin_client.get("/admin/").content.decode()
    admin_client.post("/i18n/setlang/", {"language": "ja", "next": "/admin/"})
    assert 'lang="ja"' in admin_client.get("/admin/").content.decode()
