"""The disguises of issue 10: sound-alike letters in Cyrillic words, Ukrainian transliteration,
Vietnamese insults without tone marks, and the codes that must not read as words."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from communa.moderation.filters import FilterRules, check_text

pytestmark = pytest.mark.django_db(False)

RULES = FilterRules()


def flagged(text: str) -> bool:
    return "obscene" in check_text(text, rules=RULES).categories


# --- Latin letters and symbols that sound like the Cyrillic letter they replace -----------------


@pytest.mark.parametrize(
    "text",
    [
        "Это просто пиzдец, а не доставка.",  # z for з
        "Бляdь, опять автобус ушёл.",  # d for д
        "Бл@дь, забыл пароль от почты.",  # @ for я
        "Ну и п!зда у вас с обслуживанием.",  # ! for и
        "Бл9дь, где мой заказ?",  # 9 for я
        "Отъеbись со своей рекламой.",  # b for б
        "Нахуj мне ваши купоны?",  # j for й
        "Ты просто gандон.",  # g for г
        "Ну ты и sука.",  # s for с
        "Zаебали уже со спамом.",
        "Это n.i.z.d.e.c, а не сервис.",  # spelt out in Latin letters
        "Це просто піzдець, а не сервіс.",
        "Курvа, знову черга.",  # v for в
        "Ну і п!зда у вас з доставкою.",
        "Йоbаний сервіс, більше не замовлю.",
        "Якась шльонdра пише в особисті.",
    ],
)
def test_cyrillic_words_with_sound_alike_latin_letters_or_symbols_are_found(text: str) -> None:
    assert flagged(text)


def test_only_the_disguised_word_is_masked() -> None:
    result = check_text("Ну и пиzдец, бл@дь.", rules=RULES)

    assert result.masked_text == "Ну и ******, *****."


@pytest.mark.parametrize(
    "text",
    [
        "Заказ через eBay-аккаунт пришёл быстро.",
        "Новый YouTube-канал нашей школы.",
        "Созвон в Zoom-е в 18:00, ссылка в чате.",
        "Скачал PDF-ку, купил USB-флешку и HDMI-кабель.",
        "Работаю IT-шником, ищу DJ-сет на свадьбу.",
        "3D-печать и LED-лампы со скидкой.",
        "Встреча @ кафе «Луна» в 19:00, не опаздывайте!",
    ],
)
def test_brands_and_loanwords_with_cyrillic_endings_stay_innocent(text: str) -> None:
    assert not flagged(text)


def test_a_stray_look_alike_letter_reads_only_as_its_look_alike() -> None:
    # A Latin "u" typed into "сухий" is the look-alike "и", not the sound-alike "у" ("сухуй").
    assert not flagged("Сухuй корм для котів зі знижкою.")
    assert not flagged("Сухuе полотенца в шкафу.")


# --- Ukrainian (and Russian) transliteration ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Idy na khuy zi svoimy poradamy.",
        "Nakhui vy vydalyly mii post?",
        "Shcho za khuinia z dostavkoiu?",
        "Vidyibys vid mene z opytuvanniamy.",
        "Tsei dovboiob znovu pyshe.",
        "Khuiovo pratsiuie vash sait.",
        "Tsia shliondra znovu pyshe.",
        "Zasun sobi v sraku svoi porady.",
        "Uiobok znovu spamyt.",
        "Kakogo khuya dostavka opyat opozdala?",
    ],
)
def test_transliterated_ukrainian_obscenity_is_found(text: str) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        # "khuy" is a Vietnamese button and "Huy" a Vietnamese name.
        "Cái khuy áo bị đứt rồi, ai khâu giúp với.",
        "Cai khuy ao bi dut roi, ai khau giup voi.",
        "Anh Huy giao hàng rất nhanh.",
        "Vykhid z metro zakryto; Mykhailo Khomenko pryide z Kharkova.",
    ],
)
def test_words_that_only_look_like_transliterated_obscenity_stay_innocent(text: str) -> None:
    assert not flagged(text)


# --- Vietnamese without tone marks --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Do con cho, cut di.",
        "May la con cho.",
        "Thang cho de lua dao khach.",
        "Cai lon gi vay, giao sai hang.",
        "Con cac, ai cho vao nhom.",
        "Lon me may, im di.",
        "Bu cac tao di, thang ngu.",
        "Đồ chó đẻ, trả tiền đây.",
    ],
)
def test_vietnamese_insults_without_tone_marks_are_found(text: str) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Toi nay uong vai lon bia nhe.",  # vài lon bia: a few cans of beer
        "Mua giup minh mot vai lon nuoc ngot.",
        "Con cac ban thi sao, co di khong?",  # còn các bạn: and you all?
        "Cho minh hoi con cac size nao?",
        "Thang lon nha minh nam nay vao lop mot.",  # thằng lớn: the eldest son
        "Dit noi bi chay, phai cha ky.",  # đít nồi: the bottom of the pot
    ],
)
def test_vietnamese_everyday_phrases_without_tone_marks_stay_innocent(text: str) -> None:
    assert not flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Con cho nha minh rat ngoan.",  # con chó: the dog
        "Con chó đẻ năm con rồi.",  # the dog had five puppies
        "Xep do cho de lay nhe.",  # xếp đồ cho dễ lấy: stack things to take them easily
        "Chia nho ra cho de an nhe.",  # cho dễ: to make it easy
        "Do cho be gia re, ship toan quoc.",  # đồ cho bé: things for babies
    ],
)
def test_the_insults_built_on_cho_leave_the_dog_and_everyday_words_alone(text: str) -> None:
    assert not flagged(text)


def test_an_innocent_phrase_shields_only_its_own_words() -> None:
    result = check_text("Uong vai lon bia roi, du ma may.", rules=RULES)

    assert result.masked_text == "Uong vai lon bia roi, ** ** ***."


def test_a_phrase_that_must_end_a_clause_counts_only_there() -> None:
    assert flagged("Đồ ngu, con cac!")
    assert flagged("Thằng đó đúng là con cac.")
    assert not flagged("Con cac ban thi sao?")
    assert not flagged("Còn các bạn thì sao? Con cac ban thi sao?")


# --- codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Order e8a7b5c2 shipped today.",
        "Ваш заказ e8a7b5c2 отправлен.",
        "Ваш промокод 36b0036c діє до неділі.",
        "Коммит eba7cc948e2f исправил ошибку.",
        "Номер обращения 38847bd0-fbed-4dd5-adfc-e2f78437aea7.",
        "Цвет кнопки #366c1e, заголовок #b1ad00, рамка 0x3e6a.",
        "Your voucher code is E6311C1A.",
        "Артикул EBA7-220, модель HU1220.",
    ],
)
def test_codes_are_not_read_as_transliterated_words(text: str) -> None:
    assert not flagged(text)


def test_a_code_beside_an_obscene_word_hides_nothing() -> None:
    result = check_text("Заказ e8a7b5c2 — пиздец.", rules=RULES)

    assert result.masked_text == "Заказ e8a7b5c2 — ******."


HEX = "0123456789abcdef"


@settings(max_examples=300, deadline=None)
@example(code="e8a7b5c2", upper=False, sentence="Order {} shipped.")
@example(code="36b0036c", upper=False, sentence="Заказ {} отправлен.")
@example(code="eb479f9c", upper=True, sentence="Заказ {} отправлен.")
@example(code="3ba1", upper=False, sentence="Заказ {} отправлен.")
@given(
    code=st.text(alphabet=HEX, min_size=4, max_size=16).filter(
        lambda c: any(ch.isdigit() for ch in c) and any(ch.isalpha() for ch in c)
    ),
    upper=st.booleans(),
    sentence=st.sampled_from(["Заказ {} отправлен.", "Order {} shipped.", "Mã đơn {} nhé."]),
)
def test_no_hexadecimal_code_is_ever_flagged(code: str, upper: bool, sentence: str) -> None:
    assert not flagged(sentence.format(code.upper() if upper else code))


@settings(max_examples=100, deadline=None)
@example(uuid.UUID("38847bd0-fbed-4dd5-adfc-e2f78437aea7"))
@given(st.uuids())
def test_no_uuid_is_ever_flagged(value: uuid.UUID) -> None:
    assert not flagged(f"Заявка {value} принята.")
