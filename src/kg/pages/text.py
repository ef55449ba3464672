"""Text in the project's three languages, as pages show it: every label in zh-Hans, zh-Hant and
en, the reader's choice shown and the others hidden (the choice is the page's ``data-lang``,
set by the language switch and remembered by the browser).

A :class:`Text` holds, for each display language, the best text there is (a label in that
language, else in another of the project's languages, else a fallback such as the compact
IRI) and the language it is really in, so that ``lang`` attributes never lie. It renders as
one ``<span>`` per distinct text, each marked with the display languages it serves; all
content is escaped here (markupsafe), so labels from imported tables cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from markupsafe import Markup, escape

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANGUAGE = "en"


class Text:
    """One piece of text in every display language."""

    __slots__ = ("variants", "_html")

    def __init__(self, variants: tuple[tuple[tuple[str, ...], str, str], ...]):
        self.variants = variants  # ((display languages, real language, text), ...)
        self._html: str | None = None

    @classmethod
    def of(cls, labels: Mapping[str, str] | None, fallback: str = "") -> Text:
        """The best label per display language: that language, then the others in the
        project's order, then a label without a language, else ``fallback``."""
        labels = labels or {}
        chosen: dict[tuple[str, str], list[str]] = {}
        for display in LANGUAGES:
            for candidate in (display, *LANGUAGES, "", *sorted(labels)):
                if candidate in labels:
                    key = (candidate, labels[candidate])
                    break
            else:
                key = ("", fallback)
            chosen.setdefault(key, []).append(display)
        return cls(tuple((tuple(displays), lang, text) for (lang, text), displays in chosen.items()))

    @classmethod
    def plain(cls, text: str, lang: str = "") -> Text:
        return cls(((LANGUAGES, lang, text),))

    @classmethod
    def ui(cls, words: Mapping[str, str]) -> Text:
        """Words of the interface, one per language."""
        return cls.of(words)

    def get(self, display: str) -> str:
        for displays, _lang, text in self.variants:
            if display in displays:
                return text
        return ""

    def __bool__(self) -> bool:
        return any(text for _d, _l, text in self.variants)

    def __html__(self) -> str:
        if self._html is None:
            self._html = self._markup()
        return self._html

    def _markup(self) -> str:
        if len(self.variants) == 1:
            _displays, lang, text = self.variants[0]
            return f'<span lang="{lang}">{escape(text)}</span>' if lang else str(escape(text))
        parts = []
        for displays, lang, text in self.variants:
            classes = " ".join(f"l-{d}" for d in displays)
            attribute = f' lang="{lang}"' if lang else ""
            parts.append(f'<span class="{classes}" data-l{attribute}>{escape(text)}</span>')
        return "".join(parts)

    def __str__(self) -> str:
        return Markup(self.__html__())

    def data(self) -> dict[str, str]:
        """The text per display language (for scripts: the graph's node labels)."""
        return {display: self.get(display) for display in LANGUAGES}


#: The interface's own words.
UI: dict[str, dict[str, str]] = {
    "site": {"zh-Hans": "县域知识图谱", "zh-Hant": "縣域知識圖譜", "en": "county-kg"},
    "tagline": {"zh-Hans": "县级政策、举措与成效的开放关联知识图谱，从云南水富市开始",
                "zh-Hant": "縣級政策、舉措與成效的開放關聯知識圖譜，從雲南水富市開始",
                "en": "An open linked knowledge graph of county-level policies, programs and outcomes in China, "
                      "starting with Shuifu, Yunnan"},
    "skip": {"zh-Hans": "跳到正文", "zh-Hant": "跳到正文", "en": "Skip to the content"},
    "home": {"zh-Hans": "首页", "zh-Hant": "首頁", "en": "Home"},
    "index": {"zh-Hans": "分类索引", "zh-Hant": "分類索引", "en": "Index"},
    "article": {"zh-Hans": "原文", "zh-Hant": "原文", "en": "Article"},
    "catalog": {"zh-Hans": "问题目录", "zh-Hant": "問題目錄", "en": "Questions"},
    "search": {"zh-Hans": "搜索", "zh-Hant": "搜尋", "en": "Search"},
    "search_label": {"zh-Hans": "搜索名称（简体、繁体、英文或拼音）", "zh-Hant": "搜尋名稱（簡體、繁體、英文或拼音）",
                     "en": "Search names (Simplified, Traditional, English or pinyin)"},
    "editor": {"zh-Hans": "SPARQL 查询", "zh-Hant": "SPARQL 查詢", "en": "SPARQL editor"},
    "language": {"zh-Hans": "语言", "zh-Hant": "語言", "en": "Language"},
    "type": {"zh-Hans": "类型", "zh-Hant": "類型", "en": "Type"},
    "names": {"zh-Hans": "名称", "zh-Hant": "名稱", "en": "Names"},
    "description": {"zh-Hans": "说明", "zh-Hant": "說明", "en": "Description"},
    "classification": {"zh-Hans": "分类", "zh-Hant": "分類", "en": "Classification"},
    "place_time": {"zh-Hans": "地点与时间", "zh-Hant": "地點與時間", "en": "Place and time"},
    "relations": {"zh-Hans": "关系", "zh-Hant": "關係", "en": "Relations"},
    "figure": {"zh-Hans": "数值", "zh-Hant": "數值", "en": "Figure"},
    "evidence": {"zh-Hans": "证据", "zh-Hant": "證據", "en": "Evidence"},
    "provenance": {"zh-Hans": "来源", "zh-Hant": "來源", "en": "Provenance"},
    "other": {"zh-Hans": "其他", "zh-Hant": "其他", "en": "Other"},
    "incoming": {"zh-Hans": "指向此处的链接", "zh-Hant": "指向此處的連結", "en": "Linked from"},
    "more_than_shown": {"zh-Hans": "仅列出前 {shown} 项，共 {total} 项", "zh-Hant": "僅列出前 {shown} 項，共 {total} 項",
                        "en": "the first {shown} of {total}"},
    "in_article": {"zh-Hans": "在原文中查看", "zh-Hant": "在原文中查看", "en": "in the article"},
    "quote_page": {"zh-Hans": "引文", "zh-Hant": "引文", "en": "quote"},
    "stated": {"zh-Hans": "原文陈述", "zh-Hant": "原文陳述", "en": "stated"},
    "inferred": {"zh-Hans": "推断", "zh-Hant": "推斷", "en": "inferred"},
    "status_help": {"zh-Hans": "标为“推断”的关系由整理者添加并说明理由；其余关系由原文陈述（见“证据”中的引文，或其旁所列引文）。",
                    "zh-Hant": "標為「推斷」的關係由整理者添加並說明理由；其餘關係由原文陳述（見「證據」中的引文，或其旁所列引文）。",
                    "en": "Relations marked inferred were added by curation, which gives its reason; the others are "
                          "stated by the source: by the quotes under Evidence, or by the quote shown beside them."},
    "stated_by": {"zh-Hans": "陈述于", "zh-Hant": "陳述於", "en": "stated by"},
    "inferred_from": {"zh-Hans": "推断依据", "zh-Hant": "推斷依據", "en": "inferred from"},
    "neighbourhood": {"zh-Hans": "关系图", "zh-Hant": "關係圖", "en": "Neighbourhood"},
    "neighbourhood_help": {"zh-Hans": "与此资源直接相连的实体；点击节点打开其页面。",
                           "zh-Hant": "與此資源直接相連的實體；點擊節點打開其頁面。",
                           "en": "The entities directly linked to this resource; click a node to open its page."},
    "data": {"zh-Hans": "数据", "zh-Hant": "數據", "en": "Data"},
    "describe": {"zh-Hans": "在 SPARQL 编辑器中打开 DESCRIBE 查询", "zh-Hant": "在 SPARQL 編輯器中打開 DESCRIBE 查詢",
                 "en": "Open its DESCRIBE in the SPARQL editor"},
    "describe_query": {"zh-Hans": "此页数据的 SPARQL 查询", "zh-Hant": "此頁數據的 SPARQL 查詢",
                       "en": "The SPARQL query for this page's data"},
    "observations": {"zh-Hans": "观测数据", "zh-Hant": "觀測數據", "en": "Observations"},
    "indicator": {"zh-Hans": "指标", "zh-Hant": "指標", "en": "Indicator"},
    "area": {"zh-Hans": "地区", "zh-Hant": "地區", "en": "Place"},
    "period": {"zh-Hans": "时期", "zh-Hant": "時期", "en": "Period"},
    "value": {"zh-Hans": "数值", "zh-Hant": "數值", "en": "Value"},
    "exact_value": {"zh-Hans": "基本单位数值", "zh-Hant": "基本單位數值", "en": "In base units"},
    "reported": {"zh-Hans": "原文写法", "zh-Hant": "原文寫法", "en": "As reported"},
    "unit": {"zh-Hans": "单位", "zh-Hant": "單位", "en": "Unit"},
    "qualifier": {"zh-Hans": "限定", "zh-Hant": "限定", "en": "Qualifier"},
    "observation": {"zh-Hans": "观测", "zh-Hant": "觀測", "en": "Observation"},
    "chart": {"zh-Hans": "图表", "zh-Hant": "圖表", "en": "Chart"},
    "sort_hint": {"zh-Hans": "点击列标题排序", "zh-Hant": "點擊欄標題排序", "en": "Select a column heading to sort"},
    "programs_here": {"zh-Hans": "在此开展的举措", "zh-Hant": "在此開展的舉措", "en": "Programs here"},
    "designations": {"zh-Hans": "获得的称号与认定", "zh-Hant": "獲得的稱號與認定", "en": "Designations and recognitions"},
    "children": {"zh-Hans": "下辖区划", "zh-Hant": "下轄區劃", "en": "Divisions under it"},
    "parent": {"zh-Hans": "上级区划", "zh-Hant": "上級區劃", "en": "Parent"},
    "history": {"zh-Hans": "沿革", "zh-Hant": "沿革", "en": "History"},
    "classes": {"zh-Hans": "类别", "zh-Hant": "類別", "en": "Classes"},
    "class": {"zh-Hans": "类别", "zh-Hant": "類別", "en": "Class"},
    "count": {"zh-Hans": "数量", "zh-Hant": "數量", "en": "Count"},
    "members": {"zh-Hans": "成员", "zh-Hant": "成員", "en": "Members"},
    "resources": {"zh-Hans": "资源", "zh-Hant": "資源", "en": "resources"},
    "question": {"zh-Hans": "问题", "zh-Hant": "問題", "en": "Question"},
    "answer": {"zh-Hans": "答案", "zh-Hant": "答案", "en": "Answer"},
    "row": {"zh-Hans": "行", "zh-Hant": "行", "en": "row"},
    "rows": {"zh-Hans": "行", "zh-Hant": "行", "en": "rows"},
    "no_rows": {"zh-Hans": "没有结果", "zh-Hant": "沒有結果", "en": "No rows"},
    "coverage": {"zh-Hans": "引文覆盖", "zh-Hant": "引文覆蓋", "en": "Coverage"},
    "coverage_text": {"zh-Hans": "{quotes} 段引文覆盖全文 {characters} 字中的 {covered} 字（{share}）",
                      "zh-Hant": "{quotes} 段引文覆蓋全文 {characters} 字中的 {covered} 字（{share}）",
                      "en": "{covered} of the text's {characters_counted} quoted ({share}) by {quotes_counted}"},
    "traditional": {"zh-Hans": "繁体原文", "zh-Hant": "繁體原文", "en": "Traditional (as quoted)"},
    "simplified": {"zh-Hans": "简体", "zh-Hant": "簡體", "en": "Simplified"},
    "both": {"zh-Hans": "对照", "zh-Hant": "對照", "en": "Side by side"},
    "script": {"zh-Hans": "字体", "zh-Hant": "字體", "en": "Script"},
    "facts": {"zh-Hans": "引用此段的事实", "zh-Hant": "引用此段的事實", "en": "Facts citing this passage"},
    "facts_help": {"zh-Hans": "点击高亮的文字，查看引用它的事实。", "zh-Hant": "點擊高亮的文字，查看引用它的事實。",
                   "en": "Select a highlighted passage to see the facts that cite it."},
    "close": {"zh-Hans": "关闭", "zh-Hant": "關閉", "en": "Close"},
    "not_found": {"zh-Hans": "未找到", "zh-Hant": "未找到", "en": "Not found"},
    "not_found_text": {"zh-Hans": "图谱中没有这个资源。", "zh-Hant": "圖譜中沒有這個資源。",
                       "en": "The graph has no resource at this address."},
    "search_results": {"zh-Hans": "搜索结果", "zh-Hant": "搜尋結果", "en": "Results"},
    "search_none": {"zh-Hans": "没有匹配的名称。", "zh-Hant": "沒有匹配的名稱。", "en": "No name matches."},
    "search_needs_script": {"zh-Hans": "搜索需要 JavaScript。", "zh-Hant": "搜尋需要 JavaScript。",
                            "en": "Search runs in the browser and needs JavaScript."},
    "sources": {"zh-Hans": "来源文章", "zh-Hant": "來源文章", "en": "Source articles"},
    "contents": {"zh-Hans": "浏览", "zh-Hant": "瀏覽", "en": "Browse"},
    "endpoint_note": {"zh-Hans": "SPARQL 1.1 端点", "zh-Hant": "SPARQL 1.1 端點", "en": "SPARQL 1.1 endpoint"},
    "formats": {"zh-Hans": "其他格式", "zh-Hant": "其他格式", "en": "As data"},
    "definition": {"zh-Hans": "定义", "zh-Hant": "定義", "en": "Definition"},
    "the_quote": {"zh-Hans": "引文", "zh-Hant": "引文", "en": "Quote"},
    "licence": {"zh-Hans": "数据采用 CC BY 4.0 许可；原文版权归发布者所有。",
                "zh-Hant": "數據採用 CC BY 4.0 許可；原文版權歸發布者所有。",
                "en": "Data under CC BY 4.0; the article's text is © its publisher."},
    "chart_note_places": {"zh-Hans": "图中仅显示观测最多的 {n} 个地区", "zh-Hant": "圖中僅顯示觀測最多的 {n} 個地區",
                          "en": "the chart shows the {n} places with the most observations"},
    "chart_note_unit": {"zh-Hans": "图中仅显示单位为 {unit} 的观测", "zh-Hant": "圖中僅顯示單位為 {unit} 的觀測",
                        "en": "the chart shows the observations in {unit} only"},
}


def ui(key: str, **values) -> Text:
    """An interface phrase, its ``{placeholders}`` filled in every language."""
    if not values:
        return _ui(key)
    return Text.of({lang: text.format(**values) for lang, text in UI[key].items()})


@cache
def _ui(key: str) -> Text:
    return Text.of(UI[key])


def ui_per_language(key: str, values: dict[str, dict[str, str]]) -> Text:
    """An interface phrase whose placeholder values differ by language."""
    return Text.of({lang: text.format(**{k: v[lang] for k, v in values.items()}) for lang, text in UI[key].items()})


class Words:
    """The interface's phrases as attributes (``words.skip``), for templates: an attribute is
    cheaper than a call, and a page names dozens of them."""

    def __getattr__(self, key: str) -> Text:
        if key not in UI:
            raise AttributeError(key)
        return _ui(key)


WORDS = Words()
