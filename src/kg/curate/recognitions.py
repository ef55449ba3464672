"""Recognitions a text reports: titles, awards, rankings, acceptances and pilot selections.

Each pattern gives the class of ``docs/model.md`` (ckg:Designation, ckg:Award, ckg:Ranking,
ckg:Acceptance, ckg:PilotSelection) and reads what the sentence names:

- conferral: ``被[issuer](評為|命名為|確定為|認定為|列為|授予)NAME`` (a pilot when the name
  ends in 試點), ``(獲評|入選|榮獲|榮膺|成功創建)NAME``, ``蟬聯NAME`` (an award when the name
  ends in 獎 or 杯);
- rankings: ``[scope](排名|位居|位列|居)第N`` and ``獲[scope]第N``; several subjects joined
  by 、 and 均 are one ranking each (``農村人居環境、愛衛專項行動省級考核均獲昭通市第一``);
  a superlative over a named place, ``是昭通市國土面積最小的縣級市``, is rank 1 with that
  scope (the level is then the scope's, see :mod:`kg.curate.extract`);
- acceptances: ``通過[levels](驗收|備案|評審|認證)``, one per administrative level listed
  (``分別通過國家級、省級驗收``). Numbered levels (``通過一級、二級備案``) are grades of a
  grading scale (a laboratory's biosafety level: docs/model.md, "Numbers"), not conferred by
  a level of government: no recognition;
- designations written as a noun phrase: ``國家4A級...景區``, ``[國家]第N批...示範(工程|區|縣)``,
  ``達到[level]...標準``.

The level (ckg:NationalLevel ... ckg:CountyLevel) is the first the clause states (國家級,
省級, 全國, 全省, a prefecture's name), else the issuer's (a central body such as 中組部 or a
ministry: national; 省 ...: provincial); the issuer is the organization named after 被.
Ranks are read by cn2an (第五 -> 5, 第一 -> 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.curate.segment import aligned_simplified
from kg.namespaces import CKG

LEVEL_WORDS = (("国家级", CKG.NationalLevel), ("国家", CKG.NationalLevel), ("全国", CKG.NationalLevel),
               ("中央", CKG.NationalLevel), ("省级", CKG.ProvincialLevel), ("全省", CKG.ProvincialLevel),
               ("省人民政府", CKG.ProvincialLevel), ("省委", CKG.ProvincialLevel), ("市级", CKG.PrefecturalLevel),
               ("州级", CKG.PrefecturalLevel), ("县级", CKG.CountyLevel))
_NUMERAL = "[一二三四五六七八九十百0-9]+"
_STOP = "，,。；;！!？?…\n"
_CONFER = re.compile(f"被(?P<issuer>[^{_STOP}被]{{0,15}}?)(?P<verb>评为|评选为|命名为|确定为|认定为|列为|授予|选为)"
                     f"(?P<name>[^{_STOP}]{{2,40}})")
_EARN = re.compile(f"(?P<verb>获评|入选|荣获|荣膺|成功创建|蝉联)(?P<name>[^{_STOP}]{{2,40}})")
_RANK = re.compile(f"(?P<scope>全国|全省|全市|全州|全县)?(?:排名|排位|位居|位列|名列)第(?P<rank>{_NUMERAL})")
_RANK_WON = re.compile(f"(?P<all>均|都)?获(?P<scope>[^{_STOP}获]{{1,8}}?)第(?P<rank>{_NUMERAL})")
_ACCEPT = re.compile("通过(?P<levels>(?:国家级|省级|市级|州级|县级)(?:[、和及](?:国家级|省级|市级|州级|县级))*)?"
                     "(?P<what>验收|备案|评审|认证)")
_SUPERLATIVE = re.compile(f"(?:是|为|成为)(?P<scope>全国|全省|全市|[\u4e00-\u9fff]{{2,4}}?(?:省|市|州))"
                          f"(?P<measure>[^{_STOP}的最]{{1,8}})最(?P<extreme>大|小|多|少|高|低|长|短|早)的"
                          f"(?P<what>[^{_STOP}]{{1,8}})")
_GRADE = re.compile(r"(?P<level>国家)?(?P<grade>[1-5])A级(?P<name>[^、，,。…]{0,8}?景区)")
_BATCH = re.compile(f"(?P<level>国家|全国|省级|全省)?(?:第(?P<batch>{_NUMERAL})|(?P<first>首))批"
                    f"(?P<name>[^、，,。…“”]{{2,20}}?(?:示范工程|示范区|示范县|示范基地|示范点|试点))")
_STANDARD = re.compile(f"达到(?P<name>(?:国家级|省级|市级|县级)?[^{_STOP}]{{0,8}}?标准)")
_AWARD_ENDINGS = ("奖", "杯", "奖章", "金奖")


@dataclass(frozen=True)
class Recognition:
    """A recognition found: ``start``/``end`` the passage stating it (the quote), ``cls``
    its class, ``name`` the title as written, ``level`` an ckg:AdministrativeLevel or None,
    ``issuer`` the issuing body as written (or None), ``rank`` for a ranking, ``scope`` the
    scope as written (全國, 昭通市), ``batch`` (首批 -> 1), ``trigger`` the words that
    matched."""

    start: int
    end: int
    cls: str
    name: str
    level: str | None
    issuer: str | None = None
    issuer_start: int | None = None
    rank: int | None = None
    scope: str | None = None
    batch: int | None = None
    trigger: str = ""


def _number(text: str | None) -> int | None:
    if not text:
        return None
    import cn2an

    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def _level(*texts: str | None, issuer: str | None = None) -> str | None:
    for text in texts:
        for word, level in LEVEL_WORDS:
            if text and word in text:
                return str(level)
    if issuer:
        if issuer.startswith("中") or (issuer.endswith("部") and len(issuer) <= 4):
            return str(CKG.NationalLevel)  # 中组部, 中央..., a ministry (教育部)
        if issuer.startswith("省"):
            return str(CKG.ProvincialLevel)
    return None


def _clause(simplified: str, start: int, end: int) -> tuple[int, int]:
    left = max(simplified.rfind(ch, 0, start) for ch in _STOP) + 1
    rights = [i for i in (simplified.find(ch, end) for ch in _STOP) if i != -1]
    return left, min(rights) if rights else len(simplified)


def _trim_name(name: str) -> str:
    """A title ends where the sentence goes on (and, 同时, a second verb)."""
    return re.split(r"(?:，|,|;|；|同时|并且|并|还|和“)", name)[0].strip()


def find_recognitions(text: str) -> list[Recognition]:
    """Every recognition in ``text`` (see the module's docstring), in text order."""
    simplified = aligned_simplified(text)
    found: list[Recognition] = []

    def add(start: int, end: int, cls, name: str, level, **more) -> None:
        found.append(Recognition(start, end, str(cls), text[start:end] if not name else name,
                                 str(level) if level else None, **more))

    for m in _CONFER.finditer(simplified):
        name = _trim_name(m.group("name"))
        issuer = m.group("issuer").strip() or None
        cls = CKG.PilotSelection if name.endswith(("试点", "试点县", "试点市")) else \
            CKG.Award if name.endswith(_AWARD_ENDINGS) else CKG.Designation
        start, end = m.start(), m.start("name") + len(name)
        clause = simplified[_clause(simplified, start, end)[0]:end]
        add(start, end, cls, text[m.start("name"):m.start("name") + len(name)],
            _level(name, issuer, clause, issuer=issuer), issuer=text[m.start("issuer"):m.start("issuer") + len(issuer)] if issuer else None,
            issuer_start=m.start("issuer") if issuer else None, batch=_batch(name), trigger=m.group("verb"))
    for m in _EARN.finditer(simplified):
        name = _trim_name(m.group("name"))
        if re.search(f"第{_NUMERAL}", name):
            continue  # 获...第一: a ranking, below
        cls = CKG.Award if m.group("verb") == "蝉联" or name.rstrip("”\"").endswith(_AWARD_ENDINGS) else CKG.Designation
        start, end = m.start(), m.start("name") + len(name)
        add(start, end, cls, text[m.start("name"):m.start("name") + len(name)], _level(name),
            batch=_batch(name), trigger=m.group("verb"))
    for pattern in (_RANK, _RANK_WON):
        for m in pattern.finditer(simplified):
            clause_start, clause_end = _clause(simplified, m.start(), m.end())
            clause = simplified[clause_start:m.end()]
            scope = (m.group("scope") or "").strip() or None
            subjects = [None]
            if "all" in m.groupdict() and m.group("all"):
                head = simplified[clause_start:m.start()]
                shared = re.search(r"(省级|市级|国家级)?(考核|测评|评比|评估|排名)$", head)
                items = head[:shared.start()] if shared else head
                if "、" in items:
                    original = text[clause_start:clause_start + len(items)]
                    suffix = text[clause_start + shared.start():clause_start + shared.end()] if shared else ""
                    subjects = [f"{item}{suffix}" for item in original.split("、") if item]
            end = m.end()
            for subject in subjects:
                add(clause_start, end, CKG.Ranking, subject or text[clause_start:end],
                    _level(clause, scope), rank=_number(m.group("rank")),
                    scope=text[m.start("scope"):m.end("scope")] if scope else None, trigger="第" + m.group("rank"))
    for m in _SUPERLATIVE.finditer(simplified):
        clause_start, _clause_end = _clause(simplified, m.start(), m.end())
        scope = text[m.start("scope"):m.end("scope")]
        add(clause_start, m.end(), CKG.Ranking, text[m.start("scope"):m.end()], _level(m.group("scope")), rank=1,
            scope=scope, trigger="最" + m.group("extreme"))
    for m in _ACCEPT.finditer(simplified):
        clause_start, _clause_end = _clause(simplified, m.start(), m.end())
        levels = re.split("[、和及]", text[m.start("levels"):m.end("levels")]) if m.group("levels") else [""]
        what = text[m.start("what"):m.end("what")]
        for level in levels:
            add(clause_start, m.end(), CKG.Acceptance, f"{level}{what}",
                _level(aligned_simplified(level)) if level else None, trigger="通过" + m.group("what"))
    for m in _GRADE.finditer(simplified):
        add(m.start(), m.end(), CKG.Designation, text[m.start():m.end()], CKG.NationalLevel if m.group("level") else None,
            trigger=f"{m.group('grade')}A级")
    for m in _BATCH.finditer(simplified):
        if any(r.start <= m.start() < r.end for r in found):
            continue  # part of a conferral already found (命名为首批...)
        batch = 1 if m.group("first") else _number(m.group("batch"))
        add(m.start(), m.end(), CKG.PilotSelection if m.group("name").endswith("试点") else CKG.Designation,
            text[m.start():m.end()], _level(m.group("level")), batch=batch, trigger="批")
    for m in _STANDARD.finditer(simplified):
        add(m.start(), m.end(), CKG.Designation, text[m.start("name"):m.end()], _level(m.group("name")), trigger="达到...标准")
    return sorted(found, key=lambda r: (r.start, r.end, r.name))


def _batch(name: str) -> int | None:
    match = re.search(f"(?:第({_NUMERAL})|(首))批", name)
    if not match:
        return None
    return 1 if match.group(2) else _number(match.group(1))
