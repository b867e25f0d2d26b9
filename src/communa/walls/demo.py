"""Demo wall history: 90 days of posts, comments and interactions on the demo communities.

The history is simulated in memory and written with bulk inserts, so `make demo` stays quick.
Every row the actions would write is written here too (a like is a Like row, a like event and
a counter), and the counters on posts and comments are computed from the very rows inserted,
so they equal what the actions would have left. Moments follow people: each impression
happens at an hour drawn from a daily rhythm in the viewer's own time zone (few at night, a
peak at 19–22) and most of a post's views come in the first two days after it is published.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from communa.accounts.models import User
from communa.analytics.models import Event, EventKind, Platform, PostViewer
from communa.communities.demo import BRAND_SLUG, EVENT_SLUG, PAGE_SLUG, SHOP_URL
from communa.communities.models import (
    Block,
    Community,
    DefaultRubric,
    Membership,
    Privacy,
    Role,
    Rubric,
    Tone,
)
from communa.core.conf import int_setting
from communa.core.demo import DemoContext
from communa.moderation.models import Report, ReportReason
from communa.walls.formatting import clean_blocks, render_blocks, render_markdown
from communa.walls.models import (
    Comment,
    CommentStatus,
    HiddenPost,
    Like,
    Post,
    PostKind,
    PostRevision,
    PostStatus,
    Share,
    Signature,
)

WELCOME_TITLE = "Welcome to Learn to Cook: start here"  # the marker of a loaded history
BATCH = 1000

# Short names for the tables of texts below.
PRODUCT, INTERACTION = DefaultRubric.PRODUCT, DefaultRubric.INTERACTION
FUN = DefaultRubric.ENTERTAINMENT
BEHIND, EXPERT, POLL = DefaultRubric.BEHIND_SCENES, DefaultRubric.EXPERT, DefaultRubric.POLL
NEWS, GRAPHICS = DefaultRubric.NEWS, DefaultRubric.GRAPHICS
BR, FN, EM = Tone.BRANDED, Tone.FUNCTIONAL, Tone.EMOTIONAL
KNIVES, SALE, BLOG = f"{SHOP_URL}/knives", f"{SHOP_URL}/sale", f"{SHOP_URL}/blog"


@dataclass
class Draft:
    """The words and labels of one post before it gets an author and a moment."""

    rubric: str
    tone: str
    body: str
    lang: str = "en"
    promo: bool = False
    link: str = ""
    title: str = ""
    blocks: list[dict[str, Any]] | None = None
    earlier: str = ""  # the text before an edit: the post gets a revision
    pin: bool = False
    reports: tuple[tuple[str, str], ...] = ()  # (reason, text) of members' reports
    tag: str = ""  # a handle for the few posts the story refers to
    appeal: float = 1.0  # how much readers like it beyond its labels (spam: very little)


D = Draft


def _para(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "text": text}


def _head(text: str) -> dict[str, Any]:
    return {"type": "heading", "text": text}


def _items(*items: str, ordered: bool = False) -> dict[str, Any]:
    return {"type": "list", "items": list(items), "ordered": ordered}


def _quote(text: str, cite: str = "") -> dict[str, Any]:
    return {"type": "quote", "text": text, "cite": cite}


# --- Learn to Cook: the brand's group -------------------------------------------------------

BRAND_LONGREADS = [
    D(
        INTERACTION,
        BR,
        "",
        pin=True,
        tag="welcome",
        title=WELCOME_TITLE,
        blocks=[
            _para(
                "Hello and welcome! Learn to Cook is the cooking club of the Kitchen Pro shop, "
                "open to everyone who wants to cook better at home — whether you are making your "
                "first omelette or your hundredth loaf of bread."
            ),
            _head("What you'll find here"),
            _items(
                "A new recipe from our chefs every week",
                "Knife, pan and technique tips on Tuesdays",
                "Polls and questions — we read every answer",
                "Members' own dishes, questions and kitchen disasters",
            ),
            _head("Three simple rules"),
            _items(
                "Be kind: everyone here was a beginner once",
                "Share what you have cooked yourself",
                "No advertising of other shops, please",
                ordered=True,
            ),
            _quote("Nobody was born knowing how to make an omelette.", "our head chef"),
            _para(
                "Introduce yourself in the comments: where are you cooking from, and what would "
                "you like to learn first?"
            ),
        ],
    ),
    D(
        EXPERT,
        FN,
        "",
        title="How to choose your first chef's knife",
        blocks=[
            _para(
                "A good chef's knife does 90% of the work in a home kitchen. Here is what to look "
                "at before you buy one — and what you can safely ignore."
            ),
            _head("Length"),
            _para(
                "A **20 cm** blade suits most hands and most boards. Go for 16–18 cm if your "
                "board is small or your hands are; 24 cm is for people who cook for crowds."
            ),
            _head("Steel"),
            _items(
                "Stainless steel: forgiving, easy to care for, needs sharpening more often",
                "Carbon steel: takes a scary-sharp edge, but rusts if left wet",
                "Damascus: beautiful layers; the core steel is what actually cuts",
            ),
            _head("Balance and handle"),
            _para(
                "Hold it in a pinch grip: thumb and index finger on the blade, just in front of "
                "the bolster. The knife should feel balanced there, not pull to the tip or the "
                "handle. The handle should fill your palm without your knuckles touching the board."
            ),
            _quote(
                "Buy the knife that feels like part of your hand, not the one with the most "
                "layers of steel.",
                "James, our masterclass chef",
            ),
            _para("Questions? Ask below — our chefs answer every evening."),
        ],
    ),
    D(
        EXPERT,
        FN,
        "",
        title="Cast iron from zero: seasoning, cleaning and rescuing a rusty pan",
        blocks=[
            _para(
                "Cast iron scares beginners more than any other pan. It shouldn't: it is the "
                "most forgiving pan you will ever own."
            ),
            _head("Seasoning a new pan"),
            _items(
                "Wash it once with warm soapy water and dry it on the hob",
                "Rub in a thin layer of oil, then wipe almost all of it off",
                "Bake upside down at 230 °C for an hour and let it cool in the oven",
                ordered=True,
            ),
            _head("Everyday cleaning"),
            _para(
                "Rinse with hot water, scrub with a brush or coarse salt, dry on the hob and wipe "
                "a few drops of oil inside. A little washing-up liquid won't hurt; soaking will."
            ),
            _head("Rescuing a rusty pan"),
            _para(
                "Scrub the rust off with steel wool until you see grey metal, wash, dry, and "
                "season it again two or three times. It will be as good as new."
            ),
            _quote("A cast iron pan gets better the more you cook with it.", "Olga, Kitchen Pro"),
        ],
    ),
]

BRAND_TEAM_POSTS = [
    # Educational / expert
    D(EXPERT, FN, "**Knife tip of the week:** keep the tip of your chef's knife on the board "
      "and rock the heel up and down. Your knuckles guide the blade, your fingertips stay "
      "tucked in. Slow is smooth, smooth is fast."),
    D(EXPERT, FN, "Why does your garlic burn? Minced garlic needs 30–40 seconds in hot oil, not "
      "two minutes. Add it after the onions have softened, or start it in cold oil and heat "
      "them together."),
    D(EXPERT, FN, "Cast iron after cooking: rinse with hot water, scrub with a brush or coarse "
      "salt, dry on the hob for a minute and wipe a few drops of oil inside. A drop of "
      "washing-up liquid now and then will not ruin it — soaking overnight will."),
    D(EXPERT, FN, "Resting meat is not a myth. A steak rested for 5 minutes loses far less "
      "juice on the board. Rule of thumb: rest it for about a third of the cooking time, "
      "loosely covered."),
    D(EXPERT, FN, "Honing is not sharpening. A honing steel straightens the edge and is worth a "
      "few strokes before each use; a whetstone removes metal and is needed every few months. "
      "Keep the blade at about 15–20° to the steel."),
    D(EXPERT, FN, "Non-stick pans last longer if you never heat them empty on high, use wooden "
      "or silicone tools, let them cool before washing and skip the dishwasher. Most coatings "
      "are happiest below 230 °C."),
    D(EXPERT, FN, "Salt your pasta water properly: about 10 g of salt per litre. It should "
      "taste like a well-seasoned soup, not the sea. And please don't add oil — the sauce needs "
      "to stick.",
      earlier="Salt your pasta water properly: about 20 g of salt per litre. It should taste "
      "like the sea. And please don't add oil — the sauce needs to stick."),
    D(EXPERT, FN, "How to tell the oil is hot enough for frying without a thermometer: dip a "
      "wooden chopstick in. Steady small bubbles around it — about 170 °C, ready. Wild "
      "bubbling — too hot, lower the heat."),
    D(EXPERT, FN, "Rice that never sticks: rinse until the water runs almost clear, use 1 : 1.25 "
      "water for long-grain, bring to the boil, cover, lowest heat for 12 minutes, then 10 "
      "minutes off the heat with the lid on. No peeking!"),
    D(EXPERT, EM, "Dull knives cause more cuts than sharp ones: a dull blade slips off a tomato "
      "skin instead of biting into it. If your knife can't slice a sheet of paper cleanly, "
      "it's time for the stone. Be kind to your fingers 🙏"),
    D(EXPERT, FN, "Stock tip: keep a bag in the freezer for onion ends, carrot peels, celery "
      "leaves and parsley stalks. When it's full, cover with water, add a bay leaf and simmer "
      "for an hour. Free stock, less waste."),
    D(EXPERT, FN, "Cutting boards: wood for knives (kinder to the edge), plastic for raw meat "
      "and fish (it goes in the dishwasher). Glass and stone boards look nice and blunt your "
      "knife in a week."),
    D(EXPERT, FN, "Onions without tears: a very sharp knife crushes fewer cells, so less of the "
      "irritating gas escapes. Chilling the onion for 15 minutes helps too. Swimming goggles "
      "work, but we won't judge."),
    D(EXPERT, FN, "Stainless steel pan, food sticking? Heat the pan first, then the oil, then "
      "the food — and don't move it for the first minute or two. Meat and fish let go by "
      "themselves once they have browned."),
    # Entertainment
    D(FUN, EM, "Fun fact: the hundred folds of a chef's toque were said to stand for the "
      "hundred ways to cook an egg. How many can you name? We got stuck at 14 🍳"),
    D(FUN, EM, "Guess the dish from three ingredients: beetroot, cabbage, dill. Too easy? Next "
      "one: rice noodles, fish sauce, grilled pork. Answers in the comments!",
      reports=(("other", "The answer to the second one is wrong, it's not bún chả."),)),
    D(FUN, EM, "Things only home cooks understand: opening the fridge five times hoping dinner "
      "has appeared. Tell us your kitchen confession below 😄"),
    D(FUN, EM, "Sunday mood: a big pot of soup, a loaf of warm bread and absolutely no plans. "
      "What's simmering in your kitchen today?"),
    D(FUN, FN, "Kitchen myth or truth? \"Searing meat seals in the juices.\" Myth! Searing makes "
      "flavour (hello, Maillard reaction), but it doesn't seal anything. A tasty myth, though."),
    D(FUN, EM, "We asked our chefs for the worst kitchen disaster of their careers. Winner: a "
      "birthday cake with salt instead of sugar, served to 40 guests. What's yours?"),
    D(FUN, EM, "Today is \"cook something from your childhood\" day in the office. Olga made "
      "syrniki, Mai made bánh xèo, Bohdan brought his grandmother's varenyky. What would you "
      "cook?"),
    D(FUN, EM, "The internet argues about pineapple on pizza. Our team argues about whether you "
      "rinse rice. (You do. Mai has spoken.)"),
    D(FUN, BR, "A well-seasoned cast iron pan can outlive its owner. Somewhere there's a "
      "grandmother's skillet that has fried eggs for 80 years. Do you have a kitchen heirloom?"),
    # Interaction with members
    D(INTERACTION, EM, "What's the one kitchen tool you'd save from a fire? Ours: the 20 cm "
      "chef's knife, no question."),
    D(INTERACTION, EM, "Tell us about the first dish you ever cooked on your own. Did it go "
      "well? 😅"),
    D(INTERACTION, EM, "Weeknight dinner in 20 minutes — what's your go-to? Share it and we'll "
      "feature the best ideas in Friday's post."),
    D(INTERACTION, EM, "Show us your kitchen corner! Where do you keep your knives: a block, a "
      "magnetic strip or a drawer?"),
    D(INTERACTION, FN, "Which cuisine should we cover next month: Georgian, Thai, Mexican or "
      "Malaysian? The most popular answer wins a month of recipes."),
    D(INTERACTION, EM, "What's a dish you've failed at more than once but refuse to give up on? "
      "(Ours is croissants.)"),
    D(INTERACTION, EM, "Breakfast people, unite: sweet or savoury?"),
    D(INTERACTION, EM, "Share a cooking tip your grandmother taught you. The best ones go into "
      "our community recipe book."),
    D(INTERACTION, EM, "Beginners: what scares you most in the kitchen? Hot oil, sharp knives, "
      "raw chicken? Let's talk about it — there are no silly questions here."),
    D(INTERACTION, BR, "It's been a month since our \"one new recipe a week\" challenge "
      "started. Who's still in? Post your latest dish below!"),
    # Polls
    D(POLL, EM, "Poll: how often do you sharpen your knives?\n\n1. Every month\n2. A couple of "
      "times a year\n3. When they stop cutting tomatoes\n4. Never — I just buy new ones\n\n"
      "Vote with a number in the comments!"),
    D(POLL, EM, "Poll: which pan do you reach for most? 1 — cast iron, 2 — stainless steel, "
      "3 — non-stick, 4 — wok."),
    D(POLL, EM, "Poll: the best potato is… 1) mashed 2) roasted 3) fried 4) in a soup. Choose "
      "wisely."),
    D(POLL, FN, "Poll: do you cook by recipe or by feel? 1 — exact grams, every time. 2 — a bit "
      "of this, a bit of that. 3 — depends on the day."),
    D(POLL, EM, "Poll: what time do you usually cook dinner? 1 — before 18:00, 2 — 18 to 20, "
      "3 — after 20:00, 4 — dinner is a sandwich."),
    D(POLL, BR, "Poll for the next masterclass: 1 — knife skills 2.0, 2 — fermentation, "
      "3 — bread baking, 4 — Asian street food?"),
    D(POLL, EM, "Poll: gas, electric or induction? Tell us what you cook on and whether you'd "
      "switch."),
    # Product information
    D(PRODUCT, BR, "Our 20 cm chef's knife is back in stock: German steel, full tang, 58 HRC, "
      "balanced right at the bolster. Members of Learn to Cook get 5% off with the code "
      "LEARNTOCOOK.", promo=True, link=KNIVES, tag="spam_comment"),
    D(PRODUCT, BR, "Meet the Kitchen Pro 28 cm cast iron skillet: pre-seasoned, oven safe to "
      "260 °C, and heavy enough to last for generations. It's the pan most of our chefs cook "
      "on at home.", promo=True, link=f"{SHOP_URL}/cast-iron"),
    D(PRODUCT, BR, "Autumn sale: 15% off all Dutch ovens until Sunday. Braises, stews, "
      "no-knead bread — one pot does it all.", promo=True, link=SALE,
      earlier="Autumn sale: 15% off all Dutch ovens until Saturday. Braises, stews, no-knead "
      "bread — one pot does it all."),
    D(PRODUCT, FN, "How our non-stick pans are made: an aluminium body for even heat, a steel "
      "base for induction and a three-layer PTFE-free ceramic coating. Dishwasher safe, but "
      "hand washing keeps it happy longer."),
    D(PRODUCT, BR, "New: the bamboo cutting board set (three sizes) with juice grooves. Free "
      "delivery this week for orders over £40.", promo=True, link=f"{SHOP_URL}/boards"),
    D(PRODUCT, EM, "Anna from Moscow sent us a photo of the skillet she bought three years ago, "
      "now black and glossy from daily use. This is why we make things that last ❤️"),
    D(PRODUCT, FN, "Whetstone 1000/6000 grit: the only sharpening tool most home cooks ever "
      "need. It comes with a non-slip base and a simple angle guide.", promo=True,
      link=f"{SHOP_URL}/whetstones"),
    D(PRODUCT, BR, "Black Friday early access for the group: 25% off knife sets from Thursday "
      "9:00 to Sunday midnight.", promo=True, link=SALE),
    D(PRODUCT, FN, "Which knives do you really need? For 90% of home cooking: a 20 cm chef's "
      "knife, a 9 cm paring knife and a bread knife. Everything else is nice to have. Our "
      "starter set is exactly these three.", link=KNIVES),
    D(PRODUCT, BR, "Gift idea: our carbon steel wok with a wooden handle and a set of recipe "
      "cards. Gift wrapping is free until the end of the month.", promo=True,
      link=f"{SHOP_URL}/woks"),
    # Behind the scenes
    D(BEHIND, BR, "Behind the scenes: every batch of knives is tested by cutting 100 sheets of "
      "paper and a tomato. If a blade tears the paper, it goes back for sharpening."),
    D(BEHIND, EM, "Meet Bohdan, our admin from Lviv, who answers your questions here most "
      "evenings. His signature dish? Borscht with smoked pears. Yes, really."),
    D(BEHIND, BR, "Our photo studio today: 14 dishes, 3 chefs, 1 very patient photographer and "
      "a lot of steam. The recipes are coming to the group over the next weeks!"),
    D(BEHIND, BR, "How a recipe gets to you: we cook it three times — once by a chef, once by a "
      "beginner from the office and once by Mai with a stopwatch. Only then do we post it."),
    D(BEHIND, EM, "Our warehouse team packed 1,200 orders last week. A big thank-you to the "
      "people who wrap every knife in three layers so it arrives sharp and in one piece.",
      earlier="Our warehouse team packed 1,100 orders last week. A big thank-you to the people "
      "who wrap every knife so it arrives sharp and in one piece."),
    D(BEHIND, FN, "A day in the test kitchen: we burned two pans on purpose today to see how "
      "they recover. The report is coming on Friday."),
    D(BEHIND, EM, "Meet Siti from Kuala Lumpur, our analyst. She reads every comment you write "
      "(and counts them). Say hi!"),
    # Industry news
    D(NEWS, FN, "Industry news: induction hobs are now in more than half of new kitchens, "
      "appliance retailers say. All our stainless and cast iron pans work on induction — look "
      "for the coil icon."),
    D(NEWS, FN, "New rules on food-contact materials are on the way: makers will have to say "
      "more about their coatings. We already list the materials of every pan on its page."),
    D(NEWS, FN, "Vegetables are cheapest in season. This month that means pumpkin, cabbage, "
      "beetroot, apples and mushrooms — perfect soup weather."),
    D(NEWS, FN, "Knife laws differ between countries: in the UK, carrying a kitchen knife in "
      "public without a good reason is an offence. We ship knives in sealed boxes — keep them "
      "that way until you get home."),
    D(NEWS, EM, "The cookbook awards shortlist is out next week. Which cookbooks would you "
      "nominate? Ours: anything with stains on the pages."),
    D(NEWS, BR, "Good news for Manchester: our studio hosts its first masterclass — knife "
      "skills. Join the event page for the details.", promo=True),
    D(NEWS, FN, "Trend watch: fermentation at home keeps growing — kimchi, sauerkraut, "
      "kombucha. Would you like a fermentation guide from our chefs?"),
    # Graphics
    D(GRAPHICS, FN, "Cheat sheet — steak doneness by core temperature:\n\n- Rare: 50–52 °C\n"
      "- Medium rare: 55–57 °C\n- Medium: 60–63 °C\n- Well done: 70 °C and above\n\nSave it "
      "for the next barbecue!"),
    D(GRAPHICS, FN, "Cheat sheet — knife cuts:\n\n- Julienne: 3 × 3 × 50 mm sticks\n"
      "- Brunoise: 3 mm cubes\n- Small dice: 6 mm cubes\n- Chiffonade: thin ribbons of rolled "
      "leaves"),
    D(GRAPHICS, EM, "Our autumn vegetable calendar is here 🍂 Pumpkin, beetroot, leeks, "
      "parsnips, kale. Which one are you cooking this week?"),
    D(GRAPHICS, FN, "Cheat sheet — how long to boil an egg (fridge-cold eggs into boiling "
      "water):\n\n- 6 min: runny yolk\n- 8 min: jammy\n- 10 min: firm"),
    D(GRAPHICS, FN, "Cheat sheet — spoons and grams: a tablespoon of flour ≈ 10 g, of sugar "
      "≈ 12 g, of butter ≈ 15 g, of honey ≈ 20 g."),
    D(GRAPHICS, EM, "A wallpaper for your phone: \"Keep calm and sharpen your knife\". Reply "
      "\"want\" and we'll send it to you."),
    D(GRAPHICS, FN, "Cheat sheet — which oil for which job: olive for dressings and gentle "
      "frying, sunflower or rapeseed for high heat, sesame for flavour at the end, butter with "
      "a splash of oil so it won't burn."),
    # Russian, signed by the group (Olga writes them)
    D(EXPERT, FN, "Совет недели: чтобы сырники не расползались, творог должен быть сухим и "
      "жирным, а муки — совсем немного, две-три ложки на полкило. Жарьте на среднем огне под "
      "крышкой, по три минуты с каждой стороны.", lang="ru"),
    D(FUN, EM, "Вопрос на засыпку: чем отличаются щи от борща? Пишите свои версии в "
      "комментариях, а в пятницу расскажем, что думают наши повара.", lang="ru"),
    D(INTERACTION, EM, "Какое блюдо вы готовите, когда хочется уюта? У нас в редакции это "
      "гречка с грибами и луком. А у вас?", lang="ru"),
    D(PRODUCT, BR, "Только для участников группы: чугунная сковорода 26 см со скидкой 20% до "
      "воскресенья. Промокод LEARNTOCOOK.", lang="ru", promo=True,
      link=f"{SHOP_URL}/cast-iron"),
    D(POLL, EM, "Опрос: каким ножом вы режете чаще всего? 1 — шеф-нож, 2 — сантоку, "
      "3 — маленький овощной, 4 — каким придётся 😄", lang="ru"),
    D(NEWS, FN, "Сезон тыквы открыт! Этой осенью тыква дешевле, чем в прошлом году, — отличный "
      "повод приготовить крем-суп или запечь её с мёдом и тимьяном.", lang="ru"),
    # Ukrainian (Bohdan)
    D(EXPERT, FN, "Порада від Богдана: щоб вареники не злипалися, кидайте їх у підсолену воду, "
      "що кипить, і помішуйте першу хвилину-дві. Спливли — ще дві хвилини, і готово.",
      lang="uk"),
    D(BEHIND, EM, "Сьогодні в нашій тестовій кухні готували борщ за рецептом моєї бабусі з "
      "Полтави. Секрет — запечений буряк і ложка яблучного оцту наприкінці.", lang="uk"),
    D(INTERACTION, EM, "Який посуд дістався вам від батьків чи бабусь? У мене — чавунна "
      "сковорідка, якій уже понад сорок років.", lang="uk"),
    D(GRAPHICS, FN, "Шпаргалка: скільки варити овочі. Броколі — 3–4 хвилини, морква кружечками "
      "— 7–8, картопля шматочками — 15–20, буряк цілий — 50–60.", lang="uk"),
    # Vietnamese (Mai, under her own name)
    D(EXPERT, FN, "Mẹo nhỏ của Mai: muốn thịt kho mềm và đẹp màu, hãy thắng đường với một chút "
      "dầu trước khi cho thịt vào, rồi kho lửa nhỏ với nước dừa khoảng 45 phút.", lang="vi"),
    D(FUN, EM, "Hôm nay cả văn phòng được ăn bánh xèo do Mai đổ bằng chảo gang 28 cm. Giòn rụm "
      "luôn! Các bạn thích chấm bánh xèo với nước mắm chua ngọt hay tương?", lang="vi"),
    D(INTERACTION, EM, "Món ăn nào khiến bạn nhớ nhà nhất? Với Mai, đó là canh chua cá lóc của "
      "mẹ.", lang="vi"),
    D(PRODUCT, BR, "Chảo gang Kitchen Pro rất hợp để đổ bánh xèo và áp chảo cá: giữ nhiệt tốt, "
      "mặt chảo càng dùng càng chống dính tự nhiên.", lang="vi"),
    D(EXPERT, FN, "Cách mài dao đơn giản tại nhà: ngâm đá mài 10 phút, giữ lưỡi dao nghiêng "
      "khoảng 15 độ, kéo đều tay 10 lần mỗi bên rồi chuyển sang mặt đá mịn.", lang="vi"),
    # Malay
    D(EXPERT, FN, "Tip minggu ini: untuk nasi lemak yang wangi, masak beras dengan santan, "
      "sehelai daun pandan dan sedikit halia. Biarkan nasi berehat 10 minit selepas masak.",
      lang="ms"),
    D(INTERACTION, EM, "Apa menu makan malam kegemaran keluarga anda? Kongsikan resepi anda di "
      "ruangan komen!", lang="ms"),
    D(PRODUCT, BR, "Kuali keluli karbon Kitchen Pro kini ada stok semula. Sesuai untuk goreng, "
      "tumis dan masak mi. Diskaun 10% untuk ahli kumpulan ini sehingga Ahad.", lang="ms",
      promo=True, link=f"{SHOP_URL}/woks"),
    D(NEWS, FN, "Harga cili dan bawang dijangka turun bulan ini. Masa yang sesuai untuk membuat "
      "sambal dalam kuantiti besar dan simpan dalam peti sejuk beku.", lang="ms"),
]  # fmt: skip

# Members' own posts on the group's open wall, by language of their author.
MEMBER_POSTS = {
    "en": [
        (
            "Made the no-knead bread from last week's post — the first loaf I've ever baked, and "
            "it actually has holes inside! Thank you, Learn to Cook."
        ),
        (
            "Question for the experienced folks: my stainless pan gets rainbow stains after "
            "cooking. Is it damaged, or is it just cosmetic?"
        ),
        (
            "Finally learned to julienne a carrot properly. It took 40 minutes and one plaster, "
            "but look at those sticks!"
        ),
        (
            "Does anyone have a good vegetarian main for a dinner party of eight? Budget-friendly "
            "if possible."
        ),
    ],
    "ru": [
        (
            "Попробовала ваш рецепт сырников — получились с первого раза! Муж съел половину, пока "
            "я жарила вторую партию."
        ),
        (
            "Подскажите, пожалуйста, чем отмыть пригоревшую эмалированную кастрюлю? Сода уже не "
            "помогает."
        ),
        (
            "Наконец-то купила нормальный шеф-нож и поняла, сколько лет мучилась с тупыми ножами. "
            "Лук теперь режется сам."
        ),
    ],
    "uk": [
        (
            "Зварила борщ за порадою Богдана — із запеченим буряком. Колір просто неймовірний! "
            "Дякую за ідею."
        ),
        (
            "Порадьте, будь ласка, яку сковорідку взяти для млинців: чавунну чи з антипригарним "
            "покриттям?"
        ),
        "Вперше спекла медовик. Коржі трохи підгоріли, але на смак — як у мами.",
    ],
    "vi": [
        (
            "Mình vừa thử nấu phở bò ở nhà theo công thức trong nhóm, nước dùng trong và thơm lắm. "
            "Cảm ơn mọi người!"
        ),
        "Cho mình hỏi chảo gang mới mua có cần tôi dầu trước khi dùng không ạ?",
        (
            "Hôm nay lần đầu mình tự làm bún chả cho cả nhà, thịt nướng hơi cháy nhưng ai cũng "
            "khen ngon."
        ),
    ],
    "ms": [
        (
            "Saya cuba resepi rendang daging dari kumpulan ini semalam. Sangat sedap, keluarga "
            "saya minta masak lagi minggu depan!"
        ),
        "Ada sesiapa tahu cara terbaik untuk menjaga papan pemotong kayu supaya tidak berkulat?",
        "Pertama kali buat roti sendiri di rumah. Tak sempurna, tapi saya sangat bangga!",
    ],
}
SPAM_POST = D(
    INTERACTION,
    EM,
    "Selling hand-forged Damascus knives at half the price of any shop. Write to me in private "
    "messages, delivery everywhere!",
    reports=(
        ("spam", ""),
        ("spam", "Advertising in the group again."),
        ("other", "He sells knives here every week."),
    ),
    tag="spam_post",
    appeal=0.2,
)
SHARED_TO_BRAND = (
    "New from our friends at Kitchen Pro: the Nordic collection. What do you think of the birch "
    "handles?"
)

# --- Kitchen Pro: the shop's public page ----------------------------------------------------

PAGE_LONGREAD = D(BEHIND, BR, "", title="How we test a pan before it goes on sale", blocks=[
    _para("Every pan in our catalogue spends a month in our test kitchen first. This is what "
          "happens to it there."),
    _head("Week 1: heat"),
    _para("We heat the empty pan on gas, electric and induction and photograph it with a "
          "thermal camera. Hot spots in the middle mean a thin base: that pan goes home."),
    _head("Week 2: food"),
    _items("Thirty fried eggs without oil (non-stick) or with a teaspoon (steel, cast iron)",
           "Pancakes, steaks and a tomato sauce that simmers for two hours",
           "A caramel that we burn on purpose, then clean off"),
    _head("Weeks 3 and 4: life"),
    _para("The dishwasher (when the maker allows it), metal spatulas, being dropped from the "
          "height of a worktop. What survives goes into the shop."),
    _quote("If I wouldn't cook on it every day at home, we don't sell it.", "Olga, our buyer"),
])  # fmt: skip

PAGE_TEAM_POSTS = [
    D(PRODUCT, BR, "Autumn sale at Kitchen Pro: up to 30% off cast iron, this week only. "
      "Skillets, grill pans and Dutch ovens — all pre-seasoned and ready to cook.", promo=True,
      link=SALE, pin=True, reports=(("misinformation", ("The discount was not applied at "
                                     "checkout for the grill pan.")),)),
    D(PRODUCT, BR, "Free delivery on all orders over £40 until the end of the month. Stock up on "
      "the things you actually use every day.", promo=True, link=f"{SHOP_URL}/delivery"),
    D(PRODUCT, BR, "New collection: Kitchen Pro Nordic — birch handles, matte black blades and a "
      "knife block made from recycled oak.", promo=True, link=f"{SHOP_URL}/nordic",
      tag="nordic"),
    D(PRODUCT, BR, "The sharpening service is back: bring any two knives to our stores and we'll "
      "sharpen them for free when you buy a whetstone.", promo=True),
    D(PRODUCT, FN, "Spec sheet: Kitchen Pro Classic 24 cm frying pan — 3-ply stainless steel, "
      "2.2 mm thick, induction ready, oven safe to 260 °C, lifetime warranty.",
      link=f"{SHOP_URL}/classic"),
    D(PRODUCT, BR, "Weekend deal: buy any chef's knife and get the magnetic knife strip for half "
      "price.", promo=True, link=KNIVES, tag="rude_comment"),
    D(PRODUCT, EM, "Ten years, three house moves and one flood later, Peter's Kitchen Pro "
      "saucepan is still his favourite. Thank you for sharing your story, Peter!"),
    D(PRODUCT, BR, "Gift cards are here — from £20, delivered by email in a minute. For the "
      "friend who has everything except a sharp knife.", promo=True,
      link=f"{SHOP_URL}/gift-cards"),
    D(PRODUCT, BR, "Our best-seller of the month: the five-piece starter knife set. Chef's, "
      "bread, paring and utility knives and a honing steel.", promo=True, link=KNIVES),
    D(PRODUCT, BR, "Clearance: the last pieces of the Terracotta enamel collection at 40% off. "
      "When they're gone, they're gone.", promo=True, link=SALE),
    D(PRODUCT, FN, "Which size of Dutch oven? 3.5 l for two people, 5 l for a family of four, "
      "7 l if you batch-cook or bake big loaves."),
    D(PRODUCT, BR, "Black Friday at Kitchen Pro: 25% off everything in the stores and online, "
      "Friday to Monday.", promo=True, link=SALE),
    D(NEWS, FN, "We're opening a new store in Manchester, 12 Deansgate, with a studio kitchen "
      "upstairs for masterclasses. Opening day is in three weeks!",
      earlier="We're opening a new store in Manchester, 12 Deansgate, with a studio kitchen "
      "upstairs for masterclasses. Opening day is in two weeks!"),
    D(NEWS, FN, "Our stores are closed on Monday for a stock take. Online orders ship as usual."),
    D(NEWS, FN, "Delivery update: our courier partner in Kyiv and Lviv is back to its normal "
      "schedule — 1–3 days."),
    D(NEWS, BR, "Now shipping to Malaysia and Vietnam! Delivery takes 7–12 days, and the prices "
      "include duties.", link=f"{SHOP_URL}/delivery"),
    D(NEWS, EM, "We've switched to plastic-free packaging: cardboard inserts and paper tape "
      "only. Tell us how your next parcel arrives!"),
    D(BEHIND, BR, "How a Kitchen Pro knife is made: 64 steps from a steel bar to your kitchen, "
      "including 12 hours of heat treatment and hand sharpening."),
    D(BEHIND, EM, "Our customer care team answered 3,400 messages last month, in five "
      "languages. Median reply time: 14 minutes. Proud of them!"),
    D(BEHIND, BR, "At the factory this week: checking the balance point of every chef's knife "
      "by hand."),
    D(BEHIND, EM, "Meet our buyer, Olga. She tests every new pan at home for a month before it "
      "goes into the catalogue."),
    D(BEHIND, BR, "The packing station in slow motion: knife, edge guard, cardboard sleeve, box, "
      "care card. Every time."),
    D(EXPERT, FN, "Dishwasher or hand wash? Knives: always by hand — the dishwasher dulls and "
      "can chip the edge. Stainless pans: the dishwasher is fine. Cast iron: never."),
    D(EXPERT, FN, "How to season a new cast iron pan: wash, dry on the hob, rub in a thin layer "
      "of oil, wipe almost all of it off and bake upside down at 230 °C for an hour."),
    D(EXPERT, FN, "Storing knives: a magnetic strip or a block keeps the edges safe. Loose in a "
      "drawer, they knock into each other and chip."),
    D(EXPERT, FN, "Enamel cookware care: no metal tools, no sudden temperature changes (don't "
      "pour cold water into a hot pot), and soak stubborn spots in warm water with baking soda."),
    D(EXPERT, FN, "What does HRC mean on a knife? It's the hardness of the steel. 56–58: easy to "
      "sharpen and forgiving. 60 and above: holds its edge longer but needs more care."),
    D(INTERACTION, EM, "What should we add to the catalogue next: a pasta machine, a mortar and "
      "pestle or a rice cooker?"),
    D(INTERACTION, EM, "Tag a friend who still cuts tomatoes with a bread knife 😄"),
    D(INTERACTION, EM, "Which Kitchen Pro product has been in your kitchen the longest? Tell us "
      "its story."),
    D(FUN, EM, "Friday quiz: what is the Japanese vegetable knife with a flat edge called? Hint: "
      "it starts with N."),
    D(FUN, EM, "Our office just held a blind tasting: eggs fried in cast iron against eggs "
      "fried in non-stick. Cast iron won 7 to 5. The debate continues."),
    D(GRAPHICS, FN, "Infographic: the anatomy of a chef's knife — tip, edge, spine, bolster, "
      "heel, tang, handle. Do you know what each part is for?"),
    D(GRAPHICS, EM, "New wallpapers from our autumn photo shoot are up on the blog — copper pans "
      "and pumpkins.", link=BLOG),
    D(POLL, EM, "Poll: where do you buy kitchenware most often? 1 — in a store, 2 — online, "
      "3 — on marketplaces, 4 — I inherit it."),
    D(POLL, FN, "Poll: what matters most when you choose a pan? 1 — price, 2 — weight, "
      "3 — coating, 4 — looks."),
    D(PRODUCT, BR, "Осенняя распродажа: скидки до 30% на чугунную посуду. Только до "
      "воскресенья!", lang="ru", promo=True, link=SALE),
    D(BEHIND, EM, "Наш склад отправил рекордные 800 заказов за один день. Спасибо, что вы с "
      "нами!", lang="ru"),
    D(NEWS, FN, "Відтепер доставка по Україні — 1–3 дні, а у Львові та Києві замовлення можна "
      "забрати в магазині.", lang="uk"),
    D(INTERACTION, EM, "Яку страву ви найчастіше готуєте на вихідних? Розкажіть нам!",
      lang="uk"),
    D(PRODUCT, BR, "Bộ dao Kitchen Pro đã có mặt tại Việt Nam! Giao hàng toàn quốc trong 7–12 "
      "ngày.", lang="vi", link=KNIVES),
    D(NEWS, FN, "Kitchen Pro kini menghantar ke Malaysia! Penghantaran mengambil masa 7 hingga "
      "12 hari.", lang="ms"),
    D(PRODUCT, BR, "Promosi hujung minggu: beli mana-mana pisau chef dan dapatkan jalur pisau "
      "magnetik dengan harga separuh.", lang="ms", promo=True, link=KNIVES),
]  # fmt: skip

# Members' suggestions to the page (R4.4): one published (the reviewer fixed its wording),
# two waiting for review, one rejected with the reason its author sees.
PUBLISHED_SUGGESTION = (
    (
        "My Kitchen Pro skillet turned ten this year and still makes the best pancakes in the "
        "family. Here's to the next ten!"
    ),
    (
        "my kitchen pro skilet turned 10 this year and still makes best pancakes in the family!!! "
        "heres to the next ten"
    ),
)
PENDING_SUGGESTIONS = [
    ("en", ("Could you post a video about sharpening a serrated bread knife? I can never get it "
           "right and I'm sure I'm not the only one.")),
    ("ru", ("Мой рецепт для подписчиков: драники в чугунной сковороде Kitchen Pro — хрустящие "
           "снаружи, нежные внутри. Три картофелины, луковица, яйцо и ложка муки.")),
]  # fmt: skip
REJECTED_SUGGESTION = (
    "Check out my channel for honest knife reviews — the link is in my profile!",
    (
        "We don't publish posts that advertise other channels. Send us your knife tips as text and "
        "we'll gladly share them."
    ),
)

# --- Knife skills masterclass: the event ----------------------------------------------------

EVENT_LONGREAD = D(EXPERT, FN, "", title="Masterclass programme: two hours, five skills",
                   pin=True, blocks=[
    _para("Here is what we'll do together in the studio. No experience needed: bring your "
          "curiosity, we bring the knives, boards and aprons."),
    _items("18:00 — how to hold a knife and a board that doesn't slide",
           "18:20 — the claw grip, slicing and dicing an onion",
           "18:50 — julienne, brunoise and chiffonade",
           "19:20 — tea break and questions",
           "19:35 — sharpening and honing, at the stones",
           "19:55 — caring for your knives at home", ordered=True),
    _quote("By the end you'll dice an onion in under a minute. Promise.", "James"),
    _para("Places are limited to 40, and members of Learn to Cook are let in first."),
])  # fmt: skip

EVENT_TEAM_POSTS = [
    D(NEWS, FN, "Registration is open: 40 places, two hours, knives and aprons provided. Ask to "
      "join this page to reserve your place.", promo=True),
    D(BEHIND, BR, "Meet your chef: James Walker, 20 years in professional kitchens in Leeds and "
      "London. He can dice an onion in 40 seconds — and he'll teach you how."),
    D(INTERACTION, EM, "What would you most like to learn on the day: dicing, filleting fish or "
      "sharpening?"),
    D(POLL, EM, "Poll: which knife are you bringing from home? 1 — a chef's knife, 2 — a "
      "santoku, 3 — nothing, I'll use yours."),
    D(EXPERT, FN, "Homework before the masterclass: practise the claw grip while slicing a "
      "cucumber. Fingertips tucked, knuckles forward."),
    D(PRODUCT, BR, "Masterclass participants get 20% off any knife in the studio shop on the "
      "day.", promo=True, link=KNIVES),
    D(NEWS, FN, "Getting there: the studio is a five-minute walk from Deansgate station. There's "
      "no parking on site; the nearest car park is on Great Bridgewater Street.",
      earlier="Getting there: the studio is a five-minute walk from Deansgate station."),
    D(FUN, EM, "A fact for our future knife masters: the root end holds an onion together — "
      "keep it on until the last cut and you'll never chase onion pieces around the board "
      "again."),
    D(GRAPHICS, FN, "Cheat sheet for the day: the five cuts we'll practise — slice, dice, mince, "
      "julienne, chiffonade."),
    D(BEHIND, EM, "Setting up the studio: 20 boards, 40 knives, 60 onions and a lot of tea."),
    D(NEWS, BR, "Only 6 places left! If you've asked to join, keep an eye on your "
      "notifications.", promo=True),
    D(NEWS, FN, "Для тех, кто приедет издалека: мастер-класс проходит на английском, но наш "
      "повар говорит медленно, а на слайдах будут картинки.", lang="ru"),
    D(INTERACTION, EM, "Друзі з України, ми думаємо про онлайн-трансляцію майстер-класу. "
      "Напишіть у коментарях, чи вам це цікаво!", lang="uk"),
    D(NEWS, FN, "Kelas ini akan dirakam, dan video akan dikongsi dengan semua peserta selepas "
      "acara.", lang="ms"),
]  # fmt: skip

# --- Comments -------------------------------------------------------------------------------

# Per language: remarks that suit any post; about food and technique; about products and shop
# news; answers in a conversation; votes in polls; replies of members; replies of the team;
# words said when sharing.
COMMENTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "any": ["Love this, thank you!", "Saving this post for later 🙌",
                "This group is the best thing on my feed.",
                "Great post, very useful for a beginner like me.", "Couldn't agree more!",
                "Thanks for sharing, Kitchen Pro team!", "My husband needs to read this 😂",
                "Please do more posts like this one.", "Sharing this with my sister.",
                "Exactly what I needed today."],
        "food": ["Tried it last night and it worked perfectly.",
                 "I never knew that! No wonder my garlic always burns.",
                 "My grandma did exactly this, now I know why.",
                 "What would you change for a gas hob?",
                 "Made this with my kids at the weekend — they loved it.",
                 "Does this work with a carbon steel pan as well?",
                 "Finally an explanation that makes sense.", "Going to try this tonight.",
                 "I've been doing it wrong for twenty years 🙈",
                 "Could you do a video of this? I'm a visual learner.",
                 "Worked for me too, thanks for the tip!",
                 "Is it the same for a fan oven?",
                 "This is the kind of thing nobody teaches you.",
                 "Printed it and stuck it on the fridge."],
        "product": ["How long does delivery take to Edinburgh?",
                    "Is the 28 cm skillet too heavy for everyday use?",
                    "Bought one last year, it still looks new.",
                    "Does the discount code work on sale items?", "Is it suitable for induction?",
                    "I have the 24 cm pan and it's the best thing I ever bought.",
                    "Any chance of a left-handed version?",
                    "Will it be back in the Leeds store too?",
                    "Ordered one, can't wait!", "Is there a warranty on the handle?",
                    "A bit pricey for me, but it does look good."],
        "talk": ["Mine is the cast iron pan my mum gave me.", "Great question!",
                 "Following — I want to know too.", "Savoury, always savoury.",
                 "Pancakes on a Sunday morning, nothing beats it.",
                 "Love reading everyone's answers here.",
                 "My first dish was burnt toast, does that count? 😅",
                 "Shakshuka, twenty minutes and one pan.",
                 "Congratulations, looks amazing!", "Well done, that's a proper result!"],
        "poll": ["1, every time.", "Definitely 2.", "3 and proud of it 😄",
                 "Number 4, no regrets.", "2, but I'd like to be a 1.", "1! Easy."],
        "reply": ["Same here!", "Agree, it made a huge difference for me too.",
                  "Try a lower heat, that helped me.", "Ha, I thought I was the only one.",
                  "Good point, thanks!", "Me too, you're not alone 😄"],
        "team": ["Thank you! We're glad it helped.",
                 "Thanks for the idea, we'll pass it on to our chefs.",
                 "Lovely to hear that! Please share a photo next time.",
                 "We'll answer this in next Tuesday's tip — stay tuned!",
                 "Thank you for being with us! ❤️", "Ha, we've all been there 😄"],
        "team_product": ["Good question — yes, it works on gas, electric and induction.",
                         "Delivery in the UK takes 1–3 days. Happy cooking!",
                         "Yes, the code works on everything except gift cards."],
        "share": ["Must read for beginners", "Saving this one", ""],
    },
    "ru": {
        "any": ["Спасибо, очень полезно!", "Сохранила себе в закладки.",
                "Отличный пост, побольше бы таких.", "Лучшая группа про готовку, честное слово.",
                "Класс! Перешлю маме.", "Вы молодцы, спасибо за вашу работу.",
                "Как всегда по делу, спасибо.", "Вот это я понимаю — полезный контент!"],
        "food": ["Попробовала вчера — получилось с первого раза!",
                 "А если плита газовая, время такое же?",
                 "Никогда об этом не задумывалась, теперь понятно, почему у меня всё пригорало.",
                 "Моя бабушка всегда так делала.", "Сегодня же попробую на ужин.",
                 "А можно заменить сметану на йогурт?",
                 "Двадцать лет делал неправильно, кто бы мог подумать.",
                 "А в духовке с конвекцией так же?", "Сделала с детьми, им очень понравилось.",
                 "Снимите, пожалуйста, видео, так будет понятнее.",
                 "Распечатала и повесила на холодильник."],
        "product": ["Сколько идёт доставка в Екатеринбург?",
                    "Промокод действует на товары со скидкой?",
                    "Купила такую сковороду год назад — до сих пор как новая.",
                    "А для индукционной плиты подходит?",
                    "Дороговато, но качество того стоит.", "А в Казани можно забрать самовывозом?",
                    "Заказала, жду!", "Какая гарантия на ручку?"],
        "talk": ["У меня это чугунная сковорода от мамы.", "Отличный вопрос!",
                 "Тоже хочу знать, подписываюсь.", "Только солёное, без вариантов.",
                 "Блины по воскресеньям — святое.", "Интересно читать все ответы.",
                 "Первым блюдом была яичница, и она сгорела 😅", "Поздравляю, выглядит отлично!",
                 "Гречка с грибами, быстро и вкусно."],
        "poll": ["Второй вариант, без сомнений.", "Конечно, первый!", "Третий, и мне не стыдно 😄",
                 "Четвёртый, увы.", "Первый, всегда."],
        "reply": ["У меня так же!", "Согласна, мне тоже помогло.",
                  "Попробуйте огонь поменьше, мне это помогло.", "Точно, спасибо за подсказку!"],
        "team": ["Спасибо! Рады, что пригодилось.", "Спасибо за идею, передадим нашим поварам!",
                 "Ответим на это во вторник в рубрике советов!",
                 "Спасибо, что вы с нами! ❤️", "Ждём фото вашего результата!"],
        "team_product": ["Да, подходит для любых плит, включая индукционные.",
                         "Доставка по России — от 2 до 7 дней, зависит от города.",
                         "Да, промокод действует на всё, кроме подарочных карт."],
        "share": ["Полезное, сохраню", ""],
    },
    "uk": {
        "any": ["Дякую, дуже корисно!", "Зберегла собі, щоб не загубити.",
                "Чудовий допис, більше б таких.", "Найкраща спільнота про кулінарію!",
                "Перешлю мамі, їй сподобається.", "Як завжди, по ділу. Дякую!"],
        "food": ["Спробувала вчора — вийшло з першого разу!",
                 "А на газовій плиті час такий самий?", "Моя бабуся завжди так робила.",
                 "Сьогодні ж спробую на вечерю.",
                 "Ніколи про це не думала, тепер зрозуміло, чому все пригорало.",
                 "А можна замінити сметану на йогурт?", "Зробила з дітьми, їм дуже сподобалося.",
                 "Зніміть, будь ласка, відео, так буде зрозуміліше."],
        "product": ["Скільки йде доставка до Одеси?", "Промокод діє на товари зі знижкою?",
                    "Купила таку сковорідку рік тому — досі як нова.",
                    "Чи підходить для індукційної плити?", "Замовила, чекаю!",
                    "Яка гарантія на ручку?"],
        "talk": ["У мене це чавунна сковорідка від мами.", "Гарне питання!",
                 "Теж хочу знати, стежу.", "Вареники з вишнями, звісно.",
                 "Цікаво читати всі відповіді.", "Вітаю, виглядає чудово!"],
        "poll": ["Другий варіант, без сумніву.", "Звісно, перший!", "Третій, і мені не соромно 😄",
                 "Четвертий, на жаль."],
        "reply": ["У мене так само!", "Згодна, мені теж допомогло.", "Спробуйте менший вогонь.",
                  "Точно, дякую за підказку!"],
        "team": ["Дякуємо! Раді, що стало в пригоді.", "Дякуємо за ідею, передамо нашим кухарям!",
                 "Чекаємо на фото вашого результату!", "Дякуємо, що ви з нами! ❤️"],
        "team_product": ["Так, підходить для всіх плит, зокрема індукційних.",
                         "Доставка по Україні — 1–3 дні."],
        "share": ["Корисне, зберігаю", ""],
    },
    "vi": {
        "any": ["Cảm ơn, bài viết rất hữu ích!", "Mình lưu lại rồi, cảm ơn nhóm nhé.",
                "Nhóm nấu ăn hay nhất mình từng tham gia.",
                "Tuyệt vời, mong có thêm nhiều bài như thế này.", "Chia sẻ cho mẹ mình ngay."],
        "food": ["Tối qua mình làm thử, thành công ngay lần đầu!",
                 "Nếu dùng bếp ga thì thời gian có giống vậy không ạ?",
                 "Bà mình ngày xưa cũng làm đúng như vậy.", "Tối nay mình sẽ thử ngay.",
                 "Giờ mới hiểu tại sao tỏi của mình hay bị cháy.",
                 "Có thể dùng chảo chống dính được không ạ?",
                 "Nhóm làm video hướng dẫn được không ạ?"],
        "product": ["Giao hàng về Đà Nẵng mất bao lâu vậy shop?",
                    "Chảo này dùng được trên bếp từ không ạ?",
                    "Mình mua một cái năm ngoái, đến giờ vẫn như mới.",
                    "Mã giảm giá có áp dụng cho hàng khuyến mãi không?", "Mình đặt rồi, hóng quá!"],
        "talk": ["Với mình là cái chảo gang mẹ cho.", "Câu hỏi hay quá!",
                 "Mình cũng muốn biết, theo dõi nha.", "Phở bò, không có gì bằng.",
                 "Đọc câu trả lời của mọi người vui ghê.", "Chúc mừng bạn, nhìn ngon quá!"],
        "poll": ["Mình chọn số 2.", "Chắc chắn là số 1!", "Số 3, không hối hận 😄",
                 "Số 4 luôn."],
        "reply": ["Mình cũng vậy!", "Đồng ý, mình làm theo cũng thấy khác hẳn.",
                  "Bạn thử để lửa nhỏ hơn xem."],
        "team": ["Cảm ơn bạn! Rất vui vì bài viết có ích.",
                 "Cảm ơn góp ý, Mai sẽ chuyển cho các đầu bếp!",
                 "Bạn chụp ảnh thành quả gửi nhóm nhé!"],
        "team_product": ["Dạ, sản phẩm dùng được cho mọi loại bếp, kể cả bếp từ.",
                         "Giao hàng về Việt Nam mất khoảng 7–12 ngày ạ."],
        "share": ["Hay quá, lưu lại", ""],
    },
    "ms": {
        "any": ["Terima kasih, sangat berguna!", "Saya simpan post ini untuk rujukan.",
                "Kumpulan masakan yang terbaik untuk saya!",
                "Bagus, harap ada lebih banyak post macam ini.", "Saya kongsi dengan ibu saya."],
        "food": ["Saya cuba semalam dan berjaya pada kali pertama!",
                 "Kalau guna dapur gas, masanya sama tak?", "Nenek saya selalu buat macam ini.",
                 "Malam ini saya nak cuba.",
                 "Baru saya faham kenapa bawang putih saya selalu hangus.",
                 "Boleh guna kuali tidak melekat untuk resepi ini?",
                 "Boleh buat video untuk ini? Saya lebih faham dengan video."],
        "product": ["Berapa lama penghantaran ke Johor Bahru?",
                    "Kuali ini boleh guna dengan dapur induksi?",
                    "Saya beli satu tahun lepas, masih macam baru.",
                    "Kod diskaun boleh guna untuk barang promosi?", "Saya dah tempah, tak sabar!"],
        "talk": ["Bagi saya, kuali besi yang ibu saya beri.", "Soalan yang bagus untuk kami!",
                 "Saya pun nak tahu, ikut thread ini.", "Nasi lemak, tak ada yang lain.",
                 "Seronok baca jawapan semua orang di sini.", "Tahniah, nampak sangat sedap!"],
        "poll": ["Saya pilih nombor 2.", "Mestilah nombor 1 untuk saya!",
                 "Nombor 3, saya tak menyesal 😄"],
        "reply": ["Saya pun sama!", "Setuju, memang ada beza untuk saya.",
                  "Cuba guna api yang lebih perlahan, saya buat macam itu."],
        "team": ["Terima kasih! Kami gembira dapat membantu.",
                 "Terima kasih atas cadangan, kami akan sampaikan kepada chef kami!",
                 "Kongsi gambar hasil masakan anda dengan kami ya!"],
        "team_product": ["Ya, sesuai untuk semua jenis dapur termasuk induksi.",
                         "Penghantaran ke Malaysia mengambil masa 7 hingga 12 hari."],
        "share": ["Berguna, simpan dulu", ""],
    },
}  # fmt: skip
COMMENT_TOPIC: dict[str, str] = {
    PRODUCT: "product",
    NEWS: "product",
    POLL: "poll",
    EXPERT: "food",
    FUN: "food",
    GRAPHICS: "food",
    INTERACTION: "talk",
    BEHIND: "any",
}
# A spammer's comment the moderator removed after two people had answered it: it stays as
# "deleted" with its replies in place.
SPAM_COMMENT = (
    "Same knives are twice cheaper on another site, search for 'damascus chef knife sale'.",
    [
        ("ru", "Опять реклама. Модераторы, вы тут?"),
        ("en", ("Please don't advertise other shops here — rule 3 of the group. This comment "
               "will be removed.")),
    ],
)  # fmt: skip
RUDE_COMMENT = (
    "en",
    "These knives are overpriced junk and anyone who buys them is an idiot.",
    [("abuse", "Insulting other members."), ("abuse", "")],
)
SPAM_COMMENT_MS = ("ms", "Nak pisau murah? Klik profil saya, harga borong!", [("spam", "")])

# --- Rhythm and reach -----------------------------------------------------------------------

# How busy each local hour is, 0–23: few people at night, a rise through the day, an evening
# peak at 19–22.
RHYTHM = [3.0, 1.6, 0.9, 0.6, 0.5, 0.7, 1.4, 2.8, 3.8, 4.2, 4.4, 4.8,
          6.0, 6.2, 5.0, 4.8, 5.2, 6.0, 7.2, 9.0, 10.0, 10.0, 8.4, 5.2]  # fmt: skip
RHYTHM_TOP = max(RHYTHM)
PLATFORMS = [(Platform.WEB, 45), (Platform.MOBILE_WEB, 50), (Platform.API, 5)]
# Hours (in the audience's main time zone) at which the team publishes, with weights.
PUBLISH_HOURS = [(8, 1), (9, 2), (10, 2), (12, 2), (13, 2), (17, 1), (18, 3), (19, 3), (20, 2)]
# How much a post's labels pull: emotional and interaction posts do better than promotion.
TONE_PULL: dict[str, float] = {EM: 1.15, FN: 1.0, BR: 0.85}
RUBRIC_PULL: dict[str, float] = {
    INTERACTION: 1.25,
    POLL: 1.2,
    FUN: 1.15,
    GRAPHICS: 1.1,
    EXPERT: 1.05,
    BEHIND: 0.95,
    NEWS: 0.9,
    PRODUCT: 0.85,
}
SHARE_PULL: dict[str, float] = {EXPERT: 2.5, GRAPHICS: 2.5, FUN: 1.5}


@dataclass
class Wall:
    """What one community's history is made from: its readers, rubrics, team and clock."""

    community: Community
    zone: ZoneInfo
    members: list[Reader]
    by_user: dict[int, Reader]
    rubrics: dict[str, Rubric]
    responders: dict[str, tuple[User, str]]
    interest: float  # the share of members who see a typical post
    anonymous: int  # how many anonymous visitors a typical post reaches


@dataclass
class Reader:
    """A member or an anonymous visitor who sees posts."""

    key: str
    user_id: int | None
    zone: ZoneInfo
    language: str
    platform: str
    joined_at: datetime | None = None


@dataclass
class Seen:
    """One viewer's first view of one post."""

    reader: Reader
    at: datetime


# kind, post, comment, user id, viewer key, platform, moment
EventRow = tuple[str, Post, Comment | None, int | None, str, str, datetime]


@dataclass
class Tally:
    """The rows behind one post's counters."""

    impressions: int = 0
    reach: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    hides: int = 0
    reports: int = 0
    clicks: int = 0


@dataclass
class History:
    """Every row of the history, built in memory and then inserted in dependency order."""

    posts: list[Post] = field(default_factory=list)
    reposts: list[Post] = field(default_factory=list)
    revisions: list[PostRevision] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    replies: list[Comment] = field(default_factory=list)
    likes: list[Like] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    hidden: list[HiddenPost] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    # The two large tables are kept as plain tuples until the posts and comments have keys:
    # building their rows from keys is several times faster than from related objects.
    events: list[EventRow] = field(default_factory=list)
    viewers: list[tuple[Post, str, datetime]] = field(default_factory=list)
    tallies: dict[int, Tally] = field(default_factory=dict)  # by id() of the Post object

    def tally(self, post: Post) -> Tally:
        return self.tallies.setdefault(id(post), Tally())


class WallHistory:
    """Simulates the walls of the demo communities and writes what happened."""

    def __init__(self, rng: random.Random, now: datetime, team: dict[str, User]) -> None:
        self.rng = rng
        self.now = now
        self.team = team
        self.out = History()
        self.zones: dict[str, ZoneInfo] = {}
        self.html: dict[str, str] = {}
        self.visitors: list[Reader] = []
        self.likers_of: dict[int, set[int]] = {}  # id(post) -> users who liked it
        self.sharers_of: dict[int, set[int | None]] = {}  # id(original) -> who shared it
        self.seen_of: dict[int, list[Seen]] = {}
        self.deck: list[str] = []
        self.platforms: dict[str, str] = {}  # each person's usual device, across communities

    # -- small helpers --

    def zone(self, name: str) -> ZoneInfo:
        if name not in self.zones:
            try:
                self.zones[name] = ZoneInfo(name or "UTC")
            except (KeyError, ValueError):
                self.zones[name] = ZoneInfo("UTC")
        return self.zones[name]

    def render(self, text: str) -> str:
        if text not in self.html:
            self.html[text] = render_markdown(text)
        return self.html[text]

    def platform(self) -> str:
        """A platform drawn from a shuffled deck, so the mix holds even for a few hundred people."""
        if not self.deck:
            self.deck = [str(platform) for platform, weight in PLATFORMS for _ in range(weight)]
            self.rng.shuffle(self.deck)
        return self.deck.pop()

    def usual_platform(self, key: str) -> str:
        if key not in self.platforms:
            self.platforms[key] = self.platform()
        return self.platforms[key]

    def device(self, reader: Reader) -> str:
        # People mostly stay on one device; now and then they use another.
        return reader.platform if self.rng.random() < 0.88 else self.platform()

    def jitter(self, sigma: float = 0.25) -> float:
        return math.exp(self.rng.gauss(0, sigma))

    def moment(self, start: datetime, zone: ZoneInfo, mean_hours: float = 10.0) -> datetime | None:
        """When a viewer sees something published at `start`: soon, and at a waking hour."""
        rng = self.rng
        for _attempt in range(16):
            # Most views in the first two days, with a long tail for people who scroll back.
            mean = mean_hours if rng.random() < 0.8 else mean_hours * 9
            moment = start + timedelta(hours=rng.expovariate(1 / mean))
            if moment >= self.now:
                continue
            if rng.random() * RHYTHM_TOP < RHYTHM[moment.astimezone(zone).hour]:
                return moment
        return None

    def soon(self, start: datetime, mean_minutes: float) -> datetime | None:
        moment = start + timedelta(minutes=1 + self.rng.expovariate(1 / mean_minutes))
        return moment if moment < self.now else None

    def event(
        self,
        kind: str,
        post: Post,
        reader: Reader,
        at: datetime,
        comment: Comment | None = None,
    ) -> None:
        self.out.events.append(
            (kind, post, comment, reader.user_id, reader.key, self.device(reader), at)
        )

    # -- readers --

    def wall(self, community: Community, zone: str, *, interest: float, anonymous: int) -> Wall:
        rows = Membership.objects.filter(community=community).values_list(
            "user_id", "joined_at", "user__time_zone", "user__language"
        )
        members = [
            Reader(
                key=f"u{user_id}",
                user_id=user_id,
                zone=self.zone(tz),
                language=language or "en",
                platform=self.usual_platform(f"u{user_id}"),
                joined_at=joined_at,
            )
            for user_id, joined_at, tz, language in rows.order_by("user_id")
        ]
        rubrics = {r.code: r for r in Rubric.objects.filter(community=community) if r.code}
        if anonymous and not self.visitors and members:
            self.visitor_pool(members, 700)
        return Wall(
            community=community,
            zone=self.zone(zone),
            members=members,
            by_user={m.user_id: m for m in members if m.user_id is not None},
            rubrics=rubrics,
            responders={},
            interest=interest,
            anonymous=anonymous,
        )

    def visitor_pool(self, members: list[Reader], size: int) -> None:
        """Anonymous visitors of the open walls, living in the members' time zones."""
        self.visitors = [
            Reader(
                key=f"v{self.rng.getrandbits(128):032x}",
                user_id=None,
                zone=self.rng.choice(members).zone,
                language="",
                platform=self.platform(),
            )
            for _ in range(size)
        ]

    def reader_of(self, wall: Wall, user: User) -> Reader:
        found = wall.by_user.get(user.pk)
        if found is not None:
            return found
        # Someone who has left or been blocked since: still the author of old rows.
        return Reader(
            key=f"u{user.pk}",
            user_id=user.pk,
            zone=self.zone(user.time_zone),
            language=user.language or "en",
            platform=self.usual_platform(f"u{user.pk}"),
        )

    # -- posts --

    def slots(self, wall: Wall, count: int, first_day: float, last_day: float) -> list[datetime]:
        """Moments spread evenly over [last_day, first_day] days ago, at publishing hours."""
        rng = self.rng
        hours, weights = zip(*PUBLISH_HOURS, strict=True)
        moments = []
        span = first_day - last_day
        for index in range(count):
            days_ago = first_day - span * (index + rng.random()) / count
            day = (self.now - timedelta(days=days_ago)).astimezone(wall.zone).date()
            hour = rng.choices(hours, weights=weights)[0]
            local = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=wall.zone)
            moment = local.astimezone(self.now.tzinfo)
            # The chosen hour may fall outside the span: move it by a day back inside.
            while moment > self.now - timedelta(minutes=40):
                moment -= timedelta(days=1)
            while moment < self.now - timedelta(days=first_day):
                moment += timedelta(days=1)
            moments.append(moment)
        return sorted(moments)

    def post(
        self,
        wall: Wall,
        draft: Draft,
        *,
        author: User,
        signed_as: str,
        at: datetime,
        status: str = PostStatus.PUBLISHED,
    ) -> Post:
        blocks: list[dict[str, Any]] = []
        html = self.render(draft.body) if draft.body else ""
        kind = PostKind.POST
        if draft.blocks is not None:
            kind = PostKind.LONGREAD
            blocks = clean_blocks(
                draft.blocks, image_count=0, max_blocks=int_setting("LONGREAD_MAX_BLOCKS")
            )
            html += render_blocks(blocks, [])
        published = status == PostStatus.PUBLISHED
        post = Post(
            community=wall.community,
            author=author,
            signed_as=signed_as,
            kind=kind,
            title=draft.title,
            body=draft.body,
            body_html=html,
            blocks=blocks,
            link_url=draft.link,
            rubric=wall.rubrics.get(draft.rubric),
            tone=draft.tone,
            promotional=draft.promo,
            status=status,
            suggested_by=author if status != PostStatus.PUBLISHED else None,
            pinned=draft.pin,
            created_at=at - timedelta(minutes=self.rng.randint(2, 90)) if published else at,
            published_at=at if published else None,
        )
        if draft.earlier:
            edited = self.soon(at, 90) or at + timedelta(minutes=5)
            post.edited_at = edited
            self.out.revisions.append(
                PostRevision(
                    post=post,
                    title=draft.title,
                    body=draft.earlier,
                    link_url=draft.link,
                    edited_by=author,
                    replaced_at=edited,
                )
            )
        self.out.posts.append(post)
        return post

    # -- what readers do with a post --

    def audience(self, wall: Wall, post: Post, draft: Draft, *, member_post: bool = False) -> None:
        """Who saw the post and when, and what they did: likes, comments, shares and the rest."""
        pull = TONE_PULL[draft.tone] * RUBRIC_PULL[draft.rubric] * (0.8 if draft.promo else 1.0)
        seen = self.views(wall, post, pull)
        pull *= draft.appeal
        members = [s for s in seen if s.reader.user_id is not None]
        reach = len(seen)
        self.likes(post, members, reach * 0.045 * pull**1.3 * self.jitter())
        topic = "talk" if member_post else COMMENT_TOPIC[draft.rubric]
        comment_rate = 0.012 * pull**2 * (2.0 if draft.rubric == POLL else 1.0)
        if member_post:
            comment_rate = 0.03 * draft.appeal**2
        self.comments(wall, post, members, reach * comment_rate * self.jitter(), topic)
        share_rate = 0.005 * SHARE_PULL.get(draft.rubric, 1.0) * (0.5 if draft.promo else 1.0)
        share_rate *= draft.appeal
        self.shares(post, members, reach * share_rate * self.jitter())
        hide_rate = 0.003 * (4.0 if draft.promo else 1.0) * (1.8 if draft.rubric == PRODUCT else 1)
        hide_rate /= draft.appeal
        self.hides(post, members, reach * hide_rate * self.jitter())
        if post.link_url:
            impressions = self.out.tally(post).impressions
            clicks = impressions * 0.035 * (1.4 if draft.promo else 1.0) * self.jitter()
            self.clicks(post, seen, clicks)
        for reason, text in draft.reports:
            self.report(post, members, reason, text)

    def views(self, wall: Wall, post: Post, pull: float) -> list[Seen]:
        """Who saw the post, first and again: impressions and unique viewers."""
        rng = self.rng
        assert post.published_at is not None  # noqa: S101 — only published posts are seen
        published = post.published_at
        eligible = [m for m in wall.members if m.joined_at is not None and m.joined_at < published]
        share = min(0.9, max(0.12, wall.interest * math.sqrt(pull) * self.jitter(0.2)))
        readers = rng.sample(eligible, round(len(eligible) * share))
        # Newcomers scroll back through the last week or two; everyone sees the pinned post.
        for member in wall.members:
            if member.joined_at is None or member.joined_at < published:
                continue
            gap = (member.joined_at - published).total_seconds() / 86400
            if rng.random() < (0.5 if post.pinned else 0.12 * math.exp(-gap / 7)):
                readers.append(member)
        if wall.anonymous and self.visitors:
            count = min(len(self.visitors), round(wall.anonymous * math.sqrt(pull) * self.jitter()))
            readers += rng.sample(self.visitors, count)
        tally = self.out.tally(post)
        seen: list[Seen] = []
        for reader in readers:
            start = published
            if reader.joined_at is not None and reader.joined_at > published:
                start = reader.joined_at
            first = self.moment(start, reader.zone)
            if first is None:
                continue
            seen.append(Seen(reader, first))
            self.out.viewers.append((post, reader.key, first))
            self.event(EventKind.IMPRESSION, post, reader, first)
            tally.reach += 1
            tally.impressions += 1
            at = first
            while rng.random() < 0.3:  # seen again in the feed or on the wall
                again = self.moment(at, reader.zone, mean_hours=8)
                if again is None:
                    break
                self.event(EventKind.IMPRESSION, post, reader, again)
                tally.impressions += 1
                at = again
        self.seen_of[id(post)] = seen
        return seen

    def count(self, expected: float) -> int:
        """A whole number near `expected`: its floor plus one with the fraction's chance."""
        whole = math.floor(expected)
        return whole + (1 if self.rng.random() < expected - whole else 0)

    def likes(self, post: Post, members: list[Seen], expected: float) -> None:
        rng = self.rng
        likers = self.likers_of.setdefault(id(post), set())
        for seen in rng.sample(members, min(len(members), self.count(expected))):
            at = self.soon(seen.at, 12)
            if at is None:
                continue
            assert seen.reader.user_id is not None  # noqa: S101 — members only
            self.out.likes.append(Like(user_id=seen.reader.user_id, post=post, created_at=at))
            self.event(EventKind.LIKE, post, seen.reader, at)
            likers.add(seen.reader.user_id)
            self.out.tally(post).likes += 1
        # Now and then someone likes and changes their mind: two events, no like left.
        for seen in members:
            if seen.reader.user_id not in likers and rng.random() < 0.004:
                at = self.soon(seen.at, 10)
                back = self.soon(at, 30) if at is not None else None
                if at is not None and back is not None:
                    self.event(EventKind.LIKE, post, seen.reader, at)
                    self.event(EventKind.UNLIKE, post, seen.reader, back)

    def pick_text(self, language: str, topic: str, used: set[str], general: str = "any") -> str:
        """A remark not yet made under this post: mostly on its topic, now and then general."""
        bank = COMMENTS[language]
        first = bank[topic] if self.rng.random() < 0.75 else bank[general]
        choices = [t for t in first if t not in used]
        choices = choices or [t for t in bank[topic] + bank[general] if t not in used] or first
        text = self.rng.choice(choices)
        used.add(text)
        return text

    def comment(
        self,
        post: Post,
        reader: Reader,
        body: str,
        at: datetime,
        *,
        parent: Comment | None = None,
        signed_as: str = Signature.AUTHOR,
    ) -> Comment:
        assert reader.user_id is not None  # noqa: S101 — only people comment
        row = Comment(
            post=post,
            parent=parent,
            author_id=reader.user_id,
            signed_as=signed_as,
            body=body,
            body_html=self.render(body),
            created_at=at,
        )
        (self.out.replies if parent is not None else self.out.comments).append(row)
        self.event(EventKind.COMMENT, post, reader, at, comment=row)
        self.out.tally(post).comments += 1
        if parent is not None:
            parent.reply_count += 1
        return row

    def comments(
        self, wall: Wall, post: Post, members: list[Seen], expected: float, topic: str
    ) -> None:
        rng = self.rng
        used: set[str] = set()
        for seen in rng.sample(members, min(len(members), self.count(expected))):
            at = self.soon(seen.at, 25)
            if at is None:
                continue
            language = seen.reader.language if rng.random() < 0.85 else "en"
            language = language if language in COMMENTS else "en"
            top = self.comment(post, seen.reader, self.pick_text(language, topic, used), at)
            self.comment_likes(post, top, members)
            if rng.random() < 0.35 and language in wall.responders:
                user, signed_as = wall.responders[language]
                answer_at = self.soon(at, 120)
                if answer_at is not None:
                    answers = "team_product" if topic == "product" else "team"
                    text = self.pick_text(language, answers, used, general="team")
                    reply = self.comment(
                        post,
                        self.reader_of(wall, user),
                        text,
                        answer_at,
                        parent=top,
                        signed_as=signed_as,
                    )
                    self.comment_likes(post, reply, members, mean=0.8)
            if rng.random() < 0.2:
                others = [
                    s
                    for s in members
                    if s.reader.language == language and s.reader is not seen.reader
                ]
                reply_at = self.soon(at, 180)
                if others and reply_at is not None:
                    other = rng.choice(others)
                    text = self.pick_text(language, "reply", used, general="reply")
                    reply = self.comment(post, other.reader, text, reply_at, parent=top)
                    self.comment_likes(post, reply, members, mean=0.6)

    def comment_likes(
        self, post: Post, comment: Comment, members: list[Seen], mean: float = 1.4
    ) -> None:
        rng = self.rng
        fans = [s for s in members if s.reader.user_id != comment.author_id]
        for seen in rng.sample(fans, min(len(fans), int(rng.expovariate(1 / mean)))):
            at = self.soon(max(seen.at, comment.created_at), 60)
            if at is None:
                continue
            assert seen.reader.user_id is not None  # noqa: S101 — members only
            self.out.likes.append(Like(user_id=seen.reader.user_id, comment=comment, created_at=at))
            self.event(EventKind.LIKE, post, seen.reader, at, comment=comment)
            comment.like_count += 1

    def shares(self, post: Post, members: list[Seen], expected: float) -> None:
        # As share_post does: sharing a share shares the original.
        original = post.shared_from if post.shared_from is not None else post
        sharers = self.sharers_of.setdefault(id(original), set())
        for seen in self.rng.sample(members, min(len(members), self.count(expected))):
            at = self.soon(seen.at, 30)
            if at is None or seen.reader.user_id in sharers:
                continue
            sharers.add(seen.reader.user_id)
            language = seen.reader.language if seen.reader.language in COMMENTS else "en"
            words = self.rng.choice(COMMENTS[language]["share"])
            assert seen.reader.user_id is not None  # noqa: S101 — members only
            repost = Post(
                profile_id=seen.reader.user_id,
                author_id=seen.reader.user_id,
                signed_as=Signature.AUTHOR,
                body=words,
                body_html=self.render(words) if words else "",
                shared_from=original,
                status=PostStatus.PUBLISHED,
                created_at=at,
                published_at=at,
            )
            self.out.reposts.append(repost)
            self.share(original, seen.reader, repost, at)

    def share(
        self,
        post: Post,
        reader: Reader,
        repost: Post,
        at: datetime,
        to_community: Community | None = None,
    ) -> None:
        assert reader.user_id is not None  # noqa: S101 — only people share
        self.out.shares.append(
            Share(
                post=post,
                user_id=reader.user_id,
                to_community=to_community,
                repost=repost,
                created_at=at,
            )
        )
        self.event(EventKind.SHARE, post, reader, at)
        self.out.tally(post).shares += 1

    def hides(self, post: Post, members: list[Seen], expected: float) -> None:
        likers = self.likers_of.get(id(post), set())
        unhappy = [s for s in members if s.reader.user_id not in likers]
        for seen in self.rng.sample(unhappy, min(len(unhappy), self.count(expected))):
            at = self.soon(seen.at, 5)
            if at is None:
                continue
            assert seen.reader.user_id is not None  # noqa: S101 — members only
            self.out.hidden.append(
                HiddenPost(user_id=seen.reader.user_id, post=post, created_at=at)
            )
            self.event(EventKind.HIDE, post, seen.reader, at)
            self.out.tally(post).hides += 1

    def clicks(self, post: Post, seen: list[Seen], expected: float) -> None:
        if not seen:
            return
        for _click in range(self.count(expected)):
            viewer = self.rng.choice(seen)
            at = self.soon(viewer.at, 3)
            if at is not None:
                self.event(EventKind.LINK_CLICK, post, viewer.reader, at)
                self.out.tally(post).clicks += 1

    def report(
        self,
        post: Post,
        members: list[Seen],
        reason: str,
        text: str,
        comment: Comment | None = None,
    ) -> None:
        """A member who saw it reports the post (or a comment under it) to the moderators."""
        taken = {
            r.reporter_id
            for r in self.out.reports
            if (r.post is post if comment is None else r.comment is comment)
        }
        start = comment.created_at if comment is not None else post.published_at
        assert start is not None  # noqa: S101 — only published posts are reported
        candidates = [
            s
            for s in members
            if s.reader.user_id not in taken
            and (comment is None or s.reader.user_id != comment.author_id)
        ]
        for seen in self.rng.sample(candidates, len(candidates)):
            at = self.soon(max(seen.at, start), 40)
            if at is None:
                continue
            assert seen.reader.user_id is not None  # noqa: S101 — members only
            self.out.reports.append(
                Report(
                    community=post.community,
                    reporter_id=seen.reader.user_id,
                    post=post if comment is None else None,
                    comment=comment,
                    reason=ReportReason(reason),
                    text=text,
                    created_at=at,
                )
            )
            self.event(EventKind.REPORT, post, seen.reader, at, comment=comment)
            if comment is None:
                self.out.tally(post).reports += 1
            return

    # -- the scripted moments of the story --

    def spam_comment_thread(self, wall: Wall, post: Post, spammer: User) -> None:
        """The spammer's comment, two answers, and the moderator removing the comment."""
        members = [s for s in self.seen_of.get(id(post), []) if s.reader.user_id is not None]
        published = post.published_at
        assert published is not None  # noqa: S101
        body, answers = SPAM_COMMENT
        at = self.moment(published, self.reader_of(wall, spammer).zone, mean_hours=4)
        if at is None:
            return
        spam = self.comment(post, self.reader_of(wall, spammer), body, at)
        moment = at
        for language, text in answers:
            moment += timedelta(minutes=self.rng.randint(8, 50))
            if language == "en":
                author, signed_as = self.team[Role.MODERATOR], Signature.AUTHOR
                reader = self.reader_of(wall, author)
            else:
                speakers = [s for s in members if s.reader.language == language]
                reader = (
                    self.rng.choice(speakers) if speakers else self.rng.choice(members)
                ).reader
                signed_as = Signature.AUTHOR
            self.comment(post, reader, text, moment, parent=spam, signed_as=signed_as)
        spam.status = CommentStatus.DELETED
        spam.deleted_at = moment + timedelta(minutes=self.rng.randint(5, 30))
        spam.deleted_by = self.team[Role.MODERATOR]
        # A deleted comment is not counted; its replies still are.
        self.out.tally(post).comments -= 1

    def reported_comment(self, post: Post, content: tuple[str, str, Any]) -> None:
        """A visible comment that members reported; it waits in the moderators' queue."""
        members = [s for s in self.seen_of.get(id(post), []) if s.reader.user_id is not None]
        if len(members) < 3:
            return
        language, body, reports = content
        speakers = [s for s in members if s.reader.language == language]
        author = self.rng.choice(speakers or members)
        at = self.soon(author.at, 30)
        if at is None:
            return
        rude = self.comment(post, author.reader, body, at)
        for reason, text in reports:
            self.report(post, members, reason, text, comment=rude)

    def delete_a_few_comments(self, count: int) -> None:
        """Some people delete their own comments: those without replies simply disappear."""
        reported = {id(r.comment) for r in self.out.reports if r.comment is not None}
        lonely = [
            c
            for c in self.out.comments
            if c.reply_count == 0 and c.status == CommentStatus.VISIBLE and id(c) not in reported
        ]
        for comment in self.rng.sample(lonely, min(count, len(lonely))):
            comment.status = CommentStatus.DELETED
            comment.deleted_at = comment.created_at + timedelta(minutes=self.rng.randint(2, 300))
            comment.deleted_by_id = comment.author_id
            self.out.tally(comment.post).comments -= 1  # type: ignore[arg-type]

    # -- writing --

    def settle_counters(self) -> None:
        for post in self.out.posts + self.out.reposts:
            tally = self.out.tally(post)
            post.impression_count = tally.impressions
            post.reach_count = tally.reach
            post.like_count = tally.likes
            post.comment_count = tally.comments
            post.share_count = tally.shares
            post.hide_count = tally.hides
            post.report_count = tally.reports
            post.link_click_count = tally.clicks

    def write(self) -> None:
        """Insert every row, parents first; related objects give their keys on the way."""
        self.settle_counters()
        out = self.out
        batches: list[tuple[Any, list[Any]]] = [
            (Post, out.posts),
            (Post, out.reposts),
            (PostRevision, out.revisions),
            (Comment, out.comments),
            (Comment, out.replies),
            (Like, out.likes),
            (Share, out.shares),
            (HiddenPost, out.hidden),
            (Report, out.reports),
        ]
        for model, rows in batches:
            model.objects.bulk_create(rows, batch_size=BATCH)
        Event.objects.bulk_create(
            (
                Event(
                    kind=kind,
                    community_id=post.community_id,
                    post_id=post.pk,
                    comment_id=comment.pk if comment is not None else None,
                    user_id=user_id,
                    viewer=viewer,
                    platform=platform,
                    at=at,
                )
                for kind, post, comment, user_id, viewer, platform, at in out.events
            ),
            batch_size=BATCH,
        )
        PostViewer.objects.bulk_create(
            (
                PostViewer(post_id=post.pk, viewer=viewer, first_seen_at=at)
                for post, viewer, at in out.viewers
            ),
            batch_size=BATCH,
        )


# --- the three walls ------------------------------------------------------------------------


def _team_author(history: WallHistory, language: str, default: User) -> User:
    writers = {
        "ru": history.team[Role.OWNER],
        "uk": history.team[Role.ADMIN],
        "vi": history.team[Role.EDITOR],
    }
    return writers.get(language, default)


def _brand(history: WallHistory, community: Community, shared: tuple[Post, Draft] | None) -> None:
    rng, team = history.rng, history.team
    wall = history.wall(community, "Europe/Moscow", interest=0.42, anonymous=35)
    wall.responders = {
        "ru": (team[Role.OWNER], Signature.COMMUNITY),
        "uk": (team[Role.ADMIN], Signature.COMMUNITY),
        "vi": (team[Role.EDITOR], Signature.COMMUNITY),
        "ms": (team[Role.ANALYST], Signature.AUTHOR),
        "en": (team[Role.EDITOR], Signature.COMMUNITY),
    }
    welcome, *guides = BRAND_LONGREADS
    drafts = guides + BRAND_TEAM_POSTS
    rng.shuffle(drafts)
    moments = history.slots(wall, len(drafts), first_day=86.5, last_day=0.05)
    writers = [team[Role.EDITOR]] * 5 + [team[Role.ADMIN]] * 2 + [team[Role.OWNER]]
    plan: list[tuple[Post, Draft, bool]] = []
    opening = history.slots(wall, 1, first_day=89.6, last_day=89.4)[0]
    plan.append(
        (
            history.post(
                wall, welcome, author=team[Role.OWNER], signed_as=Signature.COMMUNITY, at=opening
            ),
            welcome,
            False,
        )
    )
    for draft, at in zip(drafts, moments, strict=True):
        # Mai posts in Vietnamese under her own name; everything else is signed by the group.
        signed_as = Signature.AUTHOR if draft.lang == "vi" else Signature.COMMUNITY
        if signed_as == Signature.COMMUNITY and draft.lang == "en" and rng.random() < 0.1:
            signed_as = Signature.AUTHOR  # the editor's own column now and then
        author = _team_author(history, draft.lang, rng.choice(writers))
        if signed_as == Signature.AUTHOR:
            author = team[Role.EDITOR]
        plan.append(
            (history.post(wall, draft, author=author, signed_as=signed_as, at=at), draft, False)
        )
    # Members' posts, by members who had joined by then.
    member_drafts = [(language, text) for language, texts in MEMBER_POSTS.items() for text in texts]
    member_moments = history.slots(wall, len(member_drafts), first_day=70, last_day=0.3)
    rng.shuffle(member_drafts)
    for (language, text), slot in zip(member_drafts, member_moments, strict=True):
        writers_of = [
            m
            for m in wall.members
            if m.language == language and m.joined_at and m.joined_at < slot - timedelta(days=1)
        ] or [m for m in wall.members if m.joined_at and m.joined_at < slot]
        reader = rng.choice(writers_of)
        # Members post when they are awake, not at the team's publishing hours.
        at = history.moment(slot - timedelta(hours=3), reader.zone, mean_hours=3) or slot
        draft = D(INTERACTION, EM, text, lang=language)
        author = User(pk=reader.user_id)
        plan.append(
            (
                history.post(wall, draft, author=author, signed_as=Signature.AUTHOR, at=at),
                draft,
                True,
            )
        )
    # The spammer the moderator has since blocked: a post members reported, and a comment.
    block = Block.objects.filter(community=community).select_related("user").first()
    spammer = block.user if block is not None else User(pk=rng.choice(wall.members).user_id)
    spam_at = history.slots(wall, 1, first_day=9, last_day=6)[0]
    plan.append(
        (
            history.post(wall, SPAM_POST, author=spammer, signed_as=Signature.AUTHOR, at=spam_at),
            SPAM_POST,
            True,
        )
    )
    # The admin shares the page's new collection to the group, as the group.
    if shared is not None:
        original = shared[0]
        assert original.published_at is not None  # noqa: S101
        at = original.published_at + timedelta(hours=2, minutes=rng.randint(0, 50))
        draft = D(PRODUCT, BR, SHARED_TO_BRAND, promo=True)
        repost = history.post(
            wall, draft, author=team[Role.ADMIN], signed_as=Signature.COMMUNITY, at=at
        )
        repost.shared_from = original
        # It points to a post inserted in the first batch, so it goes in with the reposts.
        history.out.posts.remove(repost)
        history.out.reposts.append(repost)
        history.share(original, history.reader_of(wall, team[Role.ADMIN]), repost, at, community)
        plan.append((repost, draft, False))
    for post, draft, member_post in plan:
        history.audience(wall, post, draft, member_post=member_post)
        if draft.tag == "spam_comment":
            history.spam_comment_thread(wall, post, spammer)
        if draft.tag == "welcome":
            history.reported_comment(post, SPAM_COMMENT_MS)


def _page(history: WallHistory, community: Community) -> tuple[Post, Draft] | None:
    rng, team = history.rng, history.team
    wall = history.wall(community, "Europe/London", interest=0.32, anonymous=55)
    wall.responders = {
        "ru": (team[Role.OWNER], Signature.COMMUNITY),
        "uk": (team[Role.ADMIN], Signature.COMMUNITY),
        "vi": (team[Role.ADMIN], Signature.COMMUNITY),
        "ms": (team[Role.ANALYST], Signature.AUTHOR),
        "en": (team[Role.ADMIN], Signature.COMMUNITY),
    }
    drafts = [PAGE_LONGREAD, *PAGE_TEAM_POSTS]
    rng.shuffle(drafts)
    moments = history.slots(wall, len(drafts) + 1, first_day=89, last_day=0.2)
    writers = [team[Role.ADMIN]] * 3 + [team[Role.OWNER]]
    plan: list[tuple[Post, Draft]] = []
    shared: tuple[Post, Draft] | None = None
    for draft, at in zip(drafts, moments, strict=False):
        author = _team_author(history, draft.lang, rng.choice(writers))
        post = history.post(wall, draft, author=author, signed_as=Signature.COMMUNITY, at=at)
        plan.append((post, draft))
        if draft.tag == "nordic":
            shared = (post, draft)
    # A member's suggestion the admin published with its wording fixed (R4.4).
    at = moments[-1]
    members = [m for m in wall.members if m.joined_at and m.joined_at < at - timedelta(days=2)]
    suggester = rng.choice(members or wall.members)
    text, earlier = PUBLISHED_SUGGESTION
    draft = D(INTERACTION, EM, text)
    post = history.post(
        wall, draft, author=User(pk=suggester.user_id), signed_as=Signature.COMMUNITY, at=at
    )
    post.suggested_by_id = suggester.user_id
    post.reviewed_by, post.reviewed_at = team[Role.ADMIN], at
    post.created_at = at - timedelta(days=1, hours=rng.randint(1, 9))
    history.out.revisions.append(
        PostRevision(post=post, body=earlier, edited_by=team[Role.ADMIN], replaced_at=at)
    )
    plan.append((post, draft))
    # Suggestions waiting for the reviewers, and one they turned down.
    recent = history.now - timedelta(days=2)
    for index, (language, text) in enumerate(PENDING_SUGGESTIONS):
        speakers = [m for m in wall.members if m.language == language] or wall.members
        author = User(pk=rng.choice(speakers).user_id)
        at = recent + timedelta(hours=9 + index * 17, minutes=rng.randint(0, 59))
        history.post(
            wall,
            D(INTERACTION, EM, text, lang=language),
            author=author,
            signed_as=Signature.AUTHOR,
            at=at,
            status=PostStatus.SUGGESTED,
        )
    text, reason = REJECTED_SUGGESTION
    at = history.now - timedelta(days=6, hours=rng.randint(0, 12))
    rejected = history.post(
        wall,
        D(INTERACTION, EM, text),
        author=User(pk=rng.choice(wall.members).user_id),
        signed_as=Signature.AUTHOR,
        at=at,
        status=PostStatus.SUGGESTED,
    )
    rejected.status = PostStatus.REJECTED
    rejected.review_reason = reason
    rejected.reviewed_by, rejected.reviewed_at = team[Role.ADMIN], at + timedelta(hours=5)
    for post, draft in plan:
        history.audience(wall, post, draft)
        if draft.tag == "rude_comment":
            history.reported_comment(post, RUDE_COMMENT)
    return shared


def _event(history: WallHistory, community: Community) -> None:
    rng, team = history.rng, history.team
    anonymous = 0 if community.privacy != Privacy.OPEN else 10
    wall = history.wall(community, "Europe/London", interest=0.7, anonymous=anonymous)
    wall.responders = {
        "en": (team[Role.MODERATOR], Signature.AUTHOR),
        "ru": (team[Role.OWNER], Signature.COMMUNITY),
        "uk": (team[Role.OWNER], Signature.COMMUNITY),
        "ms": (team[Role.OWNER], Signature.COMMUNITY),
        "vi": (team[Role.OWNER], Signature.COMMUNITY),
    }
    drafts = list(EVENT_TEAM_POSTS)
    rng.shuffle(drafts)
    opening = history.slots(wall, 1, first_day=19.5, last_day=19.2)[0]
    moments = history.slots(wall, len(drafts), first_day=18.5, last_day=0.1)
    plan = [
        (
            history.post(
                wall,
                EVENT_LONGREAD,
                author=team[Role.OWNER],
                signed_as=Signature.COMMUNITY,
                at=opening,
            ),
            EVENT_LONGREAD,
        )
    ]
    for draft, at in zip(drafts, moments, strict=True):
        # James, the chef, writes some posts under his own name.
        chef = draft.lang == "en" and draft.rubric in (EXPERT, FUN, BEHIND)
        author = team[Role.MODERATOR] if chef else team[Role.OWNER]
        signed_as = Signature.AUTHOR if chef else Signature.COMMUNITY
        plan.append((history.post(wall, draft, author=author, signed_as=signed_as, at=at), draft))
    for post, draft in plan:
        history.audience(wall, post, draft)


def _team(ctx: DemoContext) -> dict[str, User]:
    team = dict(ctx.objects.get("brand_team") or {})
    usernames = {
        Role.OWNER: "olga_owner",
        Role.ADMIN: "admin_bohdan",
        Role.EDITOR: "editor_mai",
        Role.MODERATOR: "moderator_james",
        Role.ANALYST: "analyst_siti",
    }
    for role, username in usernames.items():
        if role not in team:
            team[role] = User.objects.get(username=username)
    return team


def load(ctx: DemoContext) -> None:
    """Give the demo communities 90 days of wall history, unless they already have it."""
    # Drawn once whatever happens next, so later loaders see the same ctx.rng state.
    rng = random.Random(ctx.rng.getrandbits(64))
    communities: dict[str, Community] = dict(ctx.objects.get("communities") or {})
    for slug in (BRAND_SLUG, PAGE_SLUG, EVENT_SLUG):
        if slug not in communities:
            found = Community.objects.filter(slug__iexact=slug).first()
            if found is None:
                return
            communities[slug] = found
    brand = communities[BRAND_SLUG]
    if not Post.objects.filter(community=brand, title=WELCOME_TITLE).exists():
        history = WallHistory(rng, ctx.now, _team(ctx))
        shared = _page(history, communities[PAGE_SLUG])
        _brand(history, brand, shared)
        _event(history, communities[EVENT_SLUG])
        history.delete_a_few_comments(4)
        history.write()
    _held_examples(brand, ctx)
    ctx.objects["posts"] = {
        slug: list(Post.objects.filter(community=community).order_by("published_at", "id"))
        for slug, community in communities.items()
    }


HELD_EXAMPLES = (
    # (kind, text): written through the actions, so the automatic checks decide (R5.1, R5.2).
    ("post", "Win big at our casino tonight, bonus for everyone who joins!"),
    (
        "comment",
        "Earn from crypto signals, 300% a month, write me @chef_anna @max @lena @oleg @ira @dima",
    ),
    (
        "post",
        "Пишите в личку, продам курс дёшево: crypto signals и рецепты от шефа",
    ),
    ("comment", "Bánh mì này ngon quá, cảm ơn công thức!"),
    ("comment", "What the fuck, my sourdough collapsed again"),
)


def _held_examples(brand: Community, ctx: DemoContext) -> None:
    """Checks at work on the brand's group: stop words, held items waiting, one decided each way."""
    from communa.moderation.filter_models import FilterSettings, HeldItem
    from communa.moderation.filter_settings import save_filter_settings
    from communa.moderation.held import approve_held, reject_held
    from communa.walls.actions.comments import add_comment
    from communa.walls.actions.posts import create_post

    if FilterSettings.objects.filter(community=brand).exists():
        return
    owner = Membership.objects.get(community=brand, role=Role.OWNER).user
    save_filter_settings(
        actor=owner,
        community=brand,
        data={"stop_words": ["casino*", "crypto signals"], "spam_domains": ["cheap-pills.example"]},
    )
    memberships = Membership.objects.filter(community=brand, role=Role.MEMBER)
    members = [m.user for m in memberships.select_related("user").order_by("pk")[:5]]
    target = (
        Post.objects.filter(community=brand, status=PostStatus.PUBLISHED).order_by("-pk").first()
    )
    if len(members) < len(HELD_EXAMPLES) or target is None:
        return
    for hours, ((kind, text), author) in enumerate(zip(HELD_EXAMPLES, members, strict=True)):
        # Written "now" by the actions, then dated in the last few hours before the demo's clock.
        at = ctx.now - timedelta(hours=len(HELD_EXAMPLES) - hours)
        if kind == "post":
            post = create_post(actor=author, community=brand, data={"body": text})
            Post.objects.filter(pk=post.pk).update(
                created_at=at, published_at=at if post.published_at else None
            )
            HeldItem.objects.filter(post=post).update(created_at=at)
        else:
            comment = add_comment(actor=author, post=target, body=text)
            Comment.objects.filter(pk=comment.pk).update(created_at=at)
            Event.objects.filter(comment=comment).update(at=at)
            HeldItem.objects.filter(comment=comment).update(created_at=at)
    waiting = list(HeldItem.objects.filter(community=brand).order_by("pk"))
    if len(waiting) >= 3:
        approve_held(actor=owner, community=brand, item=waiting[-1])
        reject_held(
            actor=owner, community=brand, item=waiting[0], reason="No gambling ads, please."
        )
        for item in (waiting[0], waiting[-1]):
            decided = item.created_at + timedelta(minutes=40)
            HeldItem.objects.filter(pk=item.pk).update(decided_at=decided)
            if item.post_id is not None:
                Post.objects.filter(pk=item.post_id).exclude(published_at=None).update(
                    published_at=decided
                )
