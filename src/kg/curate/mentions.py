"""Places, organizations and other names a text mentions: known ones linked, new ones proposed.

Known names (:mod:`kg.curate.lexicon`) are found leftmost-longest in the text's Simplified
form; a name without its suffix (水富 for 水富市) or of two characters counts only as a whole
word of the segmentation (jieba) and not right after a number (百億大關 is no mention of
大关县). A gazetteer name is resolved by the link step's place resolver, with the
document's prefecture and province to tell apart places of one name; one it cannot tell
apart is proposed without an IRI, its candidates in the note. ``全國`` is China and ``全省``
the document's province (GB/T 2260: a county's code begins with its province's).

New names are proposed, each with the rule that found it (``how``):

- an organization: a place or 省/市/縣 followed by a body (水富市委, 省人民政府), a word
  jieba tags as an organization (中組部), a word of three or more characters ending in
  部, 局, 廳 or 委員會 (教育部), the items listed before ``等 ... 企業`` (引進雲南鋰宸、
  雲南中晟等領先企業);
- a region: nouns ending in 經濟帶, 經濟圈, 城市群 ... (長江經濟帶), provinces' one-character
  names together or with a direction (川渝, 滇東北);
- a natural feature: a word jieba tags as a place name, ending in 江, 河, 湖, 山 ... (長江),
  that no gazetteer name is;
- a facility: nouns ending in 水電站, 港, 景區, 產業園, 工作站, 中心 ... ;
- a policy, campaign or brand: a short name in quotation marks (“九大會戰”).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.curate.lexicon import Lexicon
from kg.curate.numbers import quoted_spans
from kg.curate.segment import Token, aligned_simplified
from kg.namespaces import CKG, PLACE

# Provinces' one-character names (简称) and directions, for regions such as 川渝 and 滇东北.
PROVINCE_ABBREVIATIONS = {"京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22",
                          "黑": "23", "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36",
                          "鲁": "37", "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
                          "渝": "50", "川": "51", "蜀": "51", "贵": "52", "黔": "52", "滇": "53", "藏": "54",
                          "陕": "61", "秦": "61", "甘": "62", "陇": "62", "青": "63", "宁": "64", "新": "65"}
DIRECTIONS = ("东北", "西北", "东南", "西南", "东", "西", "南", "北", "中")
BODY_SUFFIXES = ("市委", "县委", "区委", "州委", "省委", "党委", "人民政府", "政府", "委员会", "人大常委会", "人大",
                 "政协", "纪委", "监委")
BODY_WORD = re.compile(r"^.{1,6}(部|局|厅|委员会|办公室)$")
GENERIC_BODIES = ("党支部", "党组织", "党委", "支部", "党总支", "基层党组织")
ORGANIZATION_ENDINGS = ("部", "委", "局", "厅", "院", "会", "办", "所", "司", "社", "行", "校", "团", "队", "站", "中心")
NOT_BODIES = ("干部", "全部", "内部", "外部", "基层", "总部", "局部", "中部", "东部", "西部", "南部", "北部", "俱乐部")
REGION_SUFFIXES = ("经济带", "经济圈", "经济区", "城市群", "都市圈", "经济走廊")
FACILITY_SUFFIXES = ("水电站", "电站", "港", "景区", "产业园", "园区", "开发区", "经开区", "工作站", "服务中心",
                     "管理服务中心", "医院", "卫生院", "生产线", "廊道", "实验室", "中医馆")
NATURAL_ENDINGS = ("江", "河", "湖", "海", "山", "峡", "峡谷", "溪")
ENTERPRISE_WORDS = ("企业", "公司", "集团")
NOUN_TAGS = ("n", "ns", "nr", "nz", "nt", "j", "nrt", "ng", "vn", "l")
POLICY_SUFFIXES = (("会战", "Campaign"), ("行动", "Campaign"), ("体系", "Framework"), ("品牌", "Framework"),
                   ("模式", "GovernanceModel"), ("机制", "GovernanceModel"), ("经验", "GovernanceModel"),
                   ("工程", "Program"), ("计划", "Program"))
PLACE_CLASS = {"province": CKG.Province, "prefecture": CKG.PrefectureLevelDivision,
               "county": CKG.CountyLevelDivision, "township": CKG.TownshipLevelDivision}


@dataclass(frozen=True)
class Mention:
    """A name in the text: ``start``/``end`` offsets of ``text``; ``kind`` place,
    organization, facility, program, policy or indicator; ``iri`` the resource it names
    (None for a new name or one the resolver could not decide); ``cls`` the class (known,
    or proposed for a new name); ``how`` the rule; ``note`` anything the reviewer should
    know (candidates of an ambiguous name)."""

    start: int
    end: int
    text: str
    kind: str
    iri: str | None
    cls: str | None
    how: str
    note: str = ""
    candidates: tuple[str, ...] = field(default=())

    @property
    def known(self) -> bool:
        return self.iri is not None and not self.how.startswith("new")


class MentionFinder:
    """Finds mentions in one document (see the module's docstring)."""

    def __init__(self, lexicon: Lexicon, resolver, place_iri: str | None = None):
        self.lexicon = lexicon
        self.resolver = resolver
        code = place_iri.rsplit("/", 1)[-1] if place_iri and place_iri.startswith(str(PLACE)) else ""
        self.code = code if code.isdigit() else ""
        self.province = self.code[:2] if len(self.code) >= 2 else ""
        self.prefecture = self.code[:4] if len(self.code) >= 4 else ""

    # -- known names ---------------------------------------------------------------------

    def _resolve(self, text: str, full_names: set[str]):
        """The division a gazetteer name names: (iri, class, note, candidates)."""
        from kg.link.resolve import Resolved

        attempts = [()] + [(p,) for p in (self.prefecture, self.province) if p]
        last = None
        for parents in attempts:
            found = self.resolver.resolve(text, *parents)
            if isinstance(found, Resolved):
                division = found.division
                return division.iri, str(PLACE_CLASS.get(division.level, CKG.AdministrativeDivision)), "", ()
            last = found
            if not getattr(found, "candidates", ()):
                break
        candidates = tuple(d.iri for d in getattr(last, "candidates", ()))
        return None, None, (last.reason if last is not None else f"no place named {text!r}"), candidates

    def known(self, text: str, tokens: list[Token]) -> list[Mention]:
        simplified = aligned_simplified(text)
        starts = {t.start for t in tokens}
        ends = {t.end for t in tokens}
        found: list[Mention] = []
        position = 0
        while position < len(simplified):
            for length in range(min(self.lexicon.longest, len(simplified) - position), 1, -1):
                key = simplified[position:position + length]
                entries = self.lexicon.lookup(key)
                places = self.lexicon.gazetteer_names.get(key)
                if not entries and not places:
                    continue
                end = position + length
                whole_word = position in starts and end in ends
                after_number = position > 0 and re.match(r"[0-9十百千万亿萬億]", simplified[position - 1])
                if entries and (len(key) > 2 or whole_word):
                    entry = entries[0]
                    note = "" if len(entries) == 1 else "also names " + ", ".join(e.iri for e in entries[1:])
                    found.append(Mention(position, end, text[position:end], entry.kind, entry.iri, entry.cls,
                                         f"known: {entry.origin}", note))
                elif places and not after_number and (key in places or whole_word):
                    iri, cls, note, candidates = self._resolve(key, places)
                    tagged = any(t.start == position and t.end == end and t.tag == "ns" for t in tokens)
                    if key not in places and not tagged and not self._nearby(iri):
                        continue  # a word that is also a far county's short name (资源, 平安)
                    found.append(Mention(position, end, text[position:end], "place", iri, cls,
                                         "known: gazetteer" if iri else "new: ambiguous place name", note, candidates))
                else:
                    continue
                position = end - 1
                break
            position += 1
        return found

    def _nearby(self, iri: str | None) -> bool:
        """A division in the document's province (any, without a document place)."""
        if iri is None:
            return False
        code = iri.rsplit("/", 1)[-1]
        return bool(self.province) and code.startswith(self.province)

    # -- scope words ---------------------------------------------------------------------

    def scopes(self, text: str) -> list[Mention]:
        simplified = aligned_simplified(text)
        found = [Mention(m.start(), m.end(), text[m.start():m.end()], "place", str(PLACE.CN), str(CKG.Country),
                         "known: scope word (全国 is China)") for m in re.finditer("全国", simplified)]
        if self.province:
            found += [Mention(m.start(), m.end(), text[m.start():m.end()], "place", str(PLACE[self.province]),
                              str(CKG.Province), "known: scope word (全省 is the document's province)")
                      for m in re.finditer("全省", simplified)]
        return found

    # -- new names -------------------------------------------------------------------------

    def new_names(self, text: str, tokens: list[Token], known: list[Mention]) -> list[Mention]:
        simplified = aligned_simplified(text)
        words = [aligned_simplified(t.text) for t in tokens]
        found: list[Mention] = []
        covered_early = {(m.start, m.end) for m in known}
        found += self._abbreviation_regions(text, tokens, words, covered_early)
        places = [m for m in known if m.kind == "place"]
        covered = {(m.start, m.end) for m in known + found}

        def propose(start: int, end: int, kind: str, cls, how: str) -> None:
            if end - start >= 2 and (start, end) not in covered:
                covered.add((start, end))
                found.append(Mention(start, end, text[start:end], kind, None, str(cls) if cls else None, f"new: {how}"))

        for i, token in enumerate(tokens):
            word = words[i]
            # a place, or 省/市/县, followed by a body: 水富市委, 省人民政府
            if word.endswith(BODY_SUFFIXES) or (word in ("委", "市委", "县委")):
                place = next((m for m in places if m.start < token.start <= m.end <= token.end), None)
                if place is not None:
                    propose(place.start, token.end, "organization", CKG.GovernmentBody if "政府" in word else CKG.PartyOrganization,
                            "a place followed by a body")
                    continue
                if i > 0 and words[i - 1] in ("省", "市", "县", "州", "区"):
                    propose(tokens[i - 1].start, token.end, "organization",
                            CKG.GovernmentBody if "政府" in word else CKG.PartyOrganization, "a level followed by a body")
                    continue
            if word in GENERIC_BODIES:
                pass
            elif token.tag == "nt" and len(word) >= 3 and word.endswith(ORGANIZATION_ENDINGS):
                propose(token.start, token.end, "organization", None, "an organization name (jieba nt)")
            elif BODY_WORD.match(word) and not word.endswith(NOT_BODIES) and len(word) >= 3:
                propose(token.start, token.end, "organization", CKG.GovernmentBody, "a word naming a body (部, 局, 厅)")
            if word.endswith(REGION_SUFFIXES):
                start = self._noun_run(tokens, i)
                propose(start, token.end, "place", CKG.Region, "nouns ending in a region word")
            after_number = token.start > 0 and re.match(r"[0-9十百千万亿萬億]", simplified[token.start - 1])
            if token.tag == "ns" and word.endswith(NATURAL_ENDINGS) and not after_number \
                    and not any(a <= token.start and token.end <= b for a, b in covered):
                cls = CKG.NaturalFeature if word.endswith(NATURAL_ENDINGS) else CKG.Region
                propose(token.start, token.end, "place", cls, "a place name (jieba ns) not in the gazetteer")
            if word.endswith(FACILITY_SUFFIXES) and i > 0 and tokens[i - 1].tag in NOUN_TAGS:
                start = self._noun_run(tokens, i)
                if token.end - start >= 3:
                    propose(start, token.end, "facility", CKG.Facility, "nouns ending in a facility word")
        found += self._enterprises(text, tokens, words, covered)
        for start, end in quoted_spans(text):
            name = simplified[start + 1:end - 1]
            if 2 <= len(name) <= 16 and not re.search(r"[，,。；;！？、]", name) and (start + 1, end - 1) not in covered:
                cls = next((c for suffix, c in POLICY_SUFFIXES if name.endswith(suffix)), "Strategy")
                kind = "program" if cls == "Program" else "policy"
                covered.add((start + 1, end - 1))
                found.append(Mention(start + 1, end - 1, text[start + 1:end - 1], kind, None, str(CKG[cls]),
                                     "new: a name in quotation marks"))
        return found

    @staticmethod
    def _noun_run(tokens: list[Token], i: int, longest: int = 4) -> int:
        start = tokens[i].start
        j = i - 1
        while j >= 0 and i - j <= longest and tokens[j].tag in NOUN_TAGS and tokens[j].text not in ("、",):
            start = tokens[j].start
            j -= 1
        return start

    @staticmethod
    def _abbreviation_regions(text, tokens, words, covered) -> list[Mention]:
        found = []
        i = 0
        while i < len(tokens):
            j = i
            run = ""
            while j < len(tokens) and (all(ch in PROVINCE_ABBREVIATIONS for ch in words[j])
                                       or (run and words[j] in DIRECTIONS)) and len(run + words[j]) <= 4:
                run += words[j]
                j += 1
                if run and run[-1:] and words[j - 1] in DIRECTIONS:
                    break
            abbreviations = [ch for ch in run if ch in PROVINCE_ABBREVIATIONS]
            directed = run.endswith(DIRECTIONS) and len(abbreviations) >= 1 and len(run) > len(abbreviations)
            if j > i and len(run) >= 2 and (directed or len(abbreviations) >= 2 and j - i >= 1 and len(run) == len(abbreviations)):
                start, end = tokens[i].start, tokens[j - 1].end
                # two or more provinces written together must come as separate words or one word of them
                if (start, end) not in covered and (directed or j - i >= 2 or tokens[i].tag in ("ns", "j")):
                    covered.add((start, end))
                    found.append(Mention(start, end, text[start:end], "place", None, str(CKG.Region),
                                         "new: provinces' one-character names (川渝, 滇东北)"))
                i = j
            else:
                i += 1
        return found

    @staticmethod
    def _enterprises(text, tokens, words, covered) -> list[Mention]:
        """The items listed before 等 ... 企业 (引进云南锂宸、云南中晟等领先企业)."""
        found = []
        for i, word in enumerate(words):
            if word != "等" or not any(w.endswith(ENTERPRISE_WORDS) for w in words[i + 1:i + 4]):
                continue
            items: list[tuple[int, int]] = []
            end = i
            j = i - 1
            while j >= 0 and words[j] not in ("，", ",", "。", "；", ";", "：", ":"):
                if words[j] == "、":
                    items.append((j + 1, end))
                    end = j
                j -= 1
            items.append((j + 1, end))
            for first, last in items:
                while first < last and tokens[first].tag in ("v", "p", "c", "d", "x", "uj"):
                    first += 1
                if first < last:
                    start, stop = tokens[first].start, tokens[last - 1].end
                    if 2 <= stop - start <= 12 and (start, stop) not in covered:
                        covered.add((start, stop))
                        found.append(Mention(start, stop, text[start:stop], "organization", None, str(CKG.Enterprise),
                                             "new: listed before 等 ... 企业"))
        return found

    def find(self, text: str, tokens: list[Token]) -> list[Mention]:
        """Every mention, in text order."""
        known = self.known(text, tokens) + self.scopes(text)
        mentions = known + self.new_names(text, tokens, known)
        return sorted(mentions, key=lambda m: (m.start, -m.end, m.kind))
