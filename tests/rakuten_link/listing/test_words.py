"""出品禁止ワード: every spelling of a word matches, and a tag that separates words never joins them."""

from __future__ import annotations

import pytest

from rakuten_link.listing.words import find_words


@pytest.mark.parametrize("text", ["ＳＡＬＥ", "ｓａｌｅ", "SALE", "Sale", "sale", "<b>SA</b>LE", "S&#65;LE"])
def test_every_width_and_case_of_a_latin_word_matches(text):
    assert [hit.word for hit in find_words(f"夏の{text}開催", ["sale"])] == ["sale"]


@pytest.mark.parametrize("text", ["セール", "せーる", "ｾｰﾙ", "<b>セ</b>ール", "<span style='x'>セー</span>ル",
                                  "セ&#x30FC;ル", "<font color=red>せ</font>ーる"])
def test_every_kana_and_markup_spelling_matches(text):
    hits = find_words(f"<p>本日{text}です</p>", ["セール"])
    assert len(hits) == 1
    assert hits[0].before.endswith("本日") and hits[0].after.startswith("です")


@pytest.mark.parametrize("text", ["セ<br>ール", "セ<br/>ール", "セ</p><p>ール", "セ<div>ール</div>", "セ</li><li>ール",
                                  "セ</td><td>ール", "セ ール", "セ<!-- -->ール"])
def test_a_tag_or_space_between_two_words_is_no_hit(text):
    assert find_words(text, ["セール"]) == []


def test_whitespace_inside_a_word_is_collapsed_on_both_sides():
    assert len(find_words("今だけ\n\n  限定", ["今だけ 限定"])) == 1


def test_plain_text_fields_keep_angle_brackets_as_text():
    assert find_words("<b>セール</b>", ["b"], markup=False)[0].found == "b"


def test_the_hit_is_the_original_spelling_and_every_occurrence_counts():
    hits = find_words("ＳＡＬＥとsale", ["SALE"])
    assert [hit.found for hit in hits] == ["ＳＡＬＥ", "sale"]
