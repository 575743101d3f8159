"""Cue patterns: how entertainment news says each kind of fact, for the fact proposer.

Each cue is a regular expression over a sentence's skeleton (quizapp.workspace.propose): a
mention is written ``{role}`` (``{role+}`` for a list, "A, B and C"; ``{role's}`` for a
possessive), a quotation ``(?P<role>⟪\\d+⟫)``, and a literal role is a named group over the
plain words (``(?P<news>that ...)``). Matching ignores case, and a short description may
stand before any mention ("the comedian {host}"). The proposer adds the article's event and
keeps only complete facts whose values fit the kind's role types, so a cue may be loose
about types but should be strict about the words.

The hand-written cues live here, in the package: they are regular expressions over the
proposer's own skeleton, which an editor could not safely edit in a form. Editors have two
levers of their own: a kind's cue phrases (kinds.yaml's ``cues``, edited at /editor/kinds),
plain words with the kind's roles in braces that `phrase_cue` turns into a cue, and the
patterns the bank teaches itself (`quizapp.workspace.propose.learn_cues`): every fact they
record with its evidence adds one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from quizapp.bank.files import KindIn, cue_phrase_parts


@dataclass(frozen=True)
class Cue:
    """One way of saying a fact of ``kind``."""

    kind: str
    pattern: str
    learned: bool = False  # taught by the bank's own facts rather than written here
    literal: Mapping[str, str] = field(default_factory=dict)  # fixed literal role values
    # Many roles whose list is open when the cue matches ("including {well_wishers+}"); a
    # show's stars are always a partial list.
    open: tuple[str, ...] = ()
    # Words put before a literal role's captured text: "first met X at a table read" says
    # "for the first time at a table read".
    prefix: Mapping[str, str] = field(default_factory=dict)


# Kinds whose facts hold beyond the evening (a job, a nickname): the article's event is not
# added to them, only an event the sentence itself names.
TIMELESS_KINDS = frozenset({"works_as", "nicknamed"})

ORDINALS = {
    word: n
    for n, word in enumerate(
        "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
        "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
        "nineteenth twentieth".split()
    )
}

# Words that may stand between parts of a clause without changing who did what.
_ADV = r"(?:(?:also|then|later|first|finally|proudly|happily|quickly|once|again|even|still) )?"
_WON = (
    r"(?:won|wins|took home|takes home|took|takes|picked up|picks up|claimed|claims|collected|"
    r"received|scooped|earned|bagged|landed|nabbed|grabbed|walked away with|went home with|"
    r"left with)"
)
_HANDED = r"(?:(?:had |has )?(?:handed|presented|gave|given|awarded))"
_GIVEN_TO = r"(?:was|were) (?:presented|handed|given|awarded)(?: to)?"
_SANG = (
    r"(?:sang|sings|performed|performs|played|plays|debuted|premiered|belted out|"
    r"delivered|covered|(?:opened|closed|kicked off|ended|wrapped up)"
    r"(?: [^⟨⟩⟪.;]{1,30}?| ⟨[^⟩]+⟩)? with)"
)
_RENDITION = (
    r"(?:duet of|performance of|rendition of|version of|run through|run-through of|cover of|"
    r"take on|mash-?up of)"
)
# What may stand between "a duet of" and the song: "his 1998 hit", "their breakout single".
_OWN_HIT = (
    r"(?:(?:his|her|their|the) (?:[\w-]+ |⟨\d+:year⟩ ){0,3}?(?:hit|single|song|track|classic|"
    r"anthem|ballad),? )?"
)
_WITH_VERB = r"(?:performed|performs|sang|sings|played|duetted|shared the stage|teamed up)"
# A song two acts share: "their collaboration", "a duet of" (not "their single": the
# guest may only have played on it).
_JOINT_SONG = (
    r"(?:an?|the|their|her|his) (?:[\w-]+ |⟨\d+:year⟩ ){0,3}?"
    r"(?:collaboration|duet|joint single)(?: of)?,? "
)
_HELD = (
    r"(?:took place|takes place|was held|were held|is held|was staged|happened|kicked off|"
    r"returned|unfolded)"
)
_POSITION = (
    r"(?:lead singer|lead vocalist|lead guitarist|rhythm guitarist|frontman|frontwoman|"
    r"guitarist|bassist|drummer|keyboardist|vocalist|singer|founding member|co-founder|"
    r"dj|percussionist|violinist|pianist|saxophonist|trumpeter|cellist|keytarist|"
    # A K-pop group's positions ("leader Kang Ji-won, main rapper Ryu Dae-ho").
    r"leader|main vocalist|main rapper|lead rapper|main dancer|lead dancer|maknae)"
)
# Without a band named right before it, "singer" says nothing of a band.
_BAND_POSITION = _POSITION.replace("|singer|", "|")
_OUTFIT_NOUNS = (
    r"(?:gown|dress|suit|tuxedo|tux|jacket|cape|jumpsuit|coat|bikini|shirt|skirt|outfit|"
    r"blazer|boots|hat|veil|corset|robe|leotard|catsuit|bodysuit|trousers|pants|shorts|"
    r"cloak|kimono|sari|frock|ensemble|costume|vest|waistcoat|sweater|hoodie|trench|t-shirt|"
    r"tee|scarf|tuxedo)"
)
# (A name may be part of it: "a vintage Hollow Pines T-shirt".)
_OUTFIT = (
    r"(?P<outfit>(?:a|an|her|his|their|the) (?:[a-z][\w-]* |⟨\d+:[^⟩]*⟩ ){0,4}?"
    + _OUTFIT_NOUNS
    + r")\b"
)
_THING = (
    r"(?P<thing>(?:a|an|the|his|her|their) (?!award\b)(?:[a-z][\w-]* ){0,3}?[a-z][\w-]*"
    r"(?: of (?:[a-z][\w-]* ){0,2}?[a-z][\w-]*)?)(?= to | after | from | at "
    r"| before | on | for | during | as | while | when | and |[,.;]|$)"
)
_SAID = (
    r"(?:said|says|told(?: [^⟨⟩⟪.;,]{1,25}?)?|added|joked|half-joked|explained|laughed|recalled|"
    r"admitted|insisted|replied|shouted|gushed|declared|quipped|noted|confessed|revealed|"
    r"teased|beamed|smiled|cried|sobbed|announced|remarked|wrote)"
)
_QUOTE = r"(?P<quote>⟪\d+⟫)"
# A job at a company: one to three words ending in a job's noun ("A&R chief", "presenter").
_JOB_TITLE = (
    r"(?:[a-z][\w&-]* |[A-Z]&[A-Z] ){0,2}?(?:presenter|host|co-host|reporter|correspondent|editor|"
    r"producer|executive|chief|ceo|president|director|manager|critic|columnist|anchor|head|"
    r"founder|co-founder|boss|publicist|agent|spokesperson|spokeswoman|spokesman|scout|dj|"
    r"photographer|stylist|designer)"
)
_OUTING = (
    r"(?:walked|walking|strolled|strolling|posed|posing|arrived|arriving|rehearsed|rehearsing|"
    r"chatted|chatting|celebrated|celebrating|toured|touring|partied|partying|danced|dancing|"
    r"hung out|hanging out|hugged|hugging|embraced|embracing)"
)
# A clause between a subject and its verb: "Mara Quinn, who plays a ferry pilot in Salt Year,
# was handed ...".
_WHO = r"(?:,? (?:who|whom) [^.;]{0,120}?,?)?"
# A trophy named before the award it stands for: "the Golden Lantern for Best Director".
# Or a description: "Theo Marsh, the 19-year-old barista the tabloids have dubbed "...", was".
# Or a phrase set off by commas: "Lil Saint, dressed in a white fur coat, also took home".
# (A title's comma goes inside its quotes, and so into its slot: "X, known to fans as "The
# Siren," performed ...".)
_APPOSITIVE = (
    _WHO[:-2] + r"|, (?:the|a|an) [^.;⟨⟩]{1,100}?,?|, [a-z][^.;⟨⟩⟪,]{1,80}?,|, \d{1,3},"
    r"|,? (?:known|better known|dubbed|nicknamed) [^.;⟪,]{1,60}?⟩"
    r"(?: by (?:her|his|their|the) [^.;⟨⟩⟪,]{1,30}?,(?= ))?)?"
)
_TROPHY_FOR = r"(?:{x_trophy} for )?"
# (Or the slot "the trophy" becomes when it stands for the award named last.)
_NOUN = r"(?:trophy|statuette|award|prize|honou?r)"
_THE_NOUN = r"(?:(?:the|her|his|their) " + _NOUN + r"|⟨\d+:award⟩)"

CUES: tuple[Cue, ...] = (
    # award_win
    Cue(
        "award_win",
        r"{winner},? (?:who )?"
        + _ADV
        + _WON
        + r" (?:the (?:[\w-]+ )?(?:award|prize|trophy|honou?r) for )?{award}(?: for {work})?",
    ),
    # "X won Best Pop Video and Best Choreography": one win per award.
    Cue("award_win", r"{winner},? (?:who )?" + _ADV + _WON + r" {award+}(?=[.;]|$| at | on )"),
    # "Nova Reyes was the big winner at the X, taking home Album of the Year"
    Cue(
        "award_win",
        r"{winner}[^.;⟪]{0,80}?,? (?:taking home|winning|picking up|collecting|scooping|"
        r"claiming|earning|landing|bagging) (?:[^⟨⟩⟪.;]{0,40}?(?:including|among them) )?"
        r"{award+}(?: for {work})?",
    ),
    # "X won three awards, including Best Y and Best Z": one win per award.
    Cue(
        "award_win",
        r"{winner},? (?:who )?"
        + _ADV
        + _WON
        + r" [^⟨⟩⟪.;]{0,40}?(?:awards|prizes|trophies|honou?rs)(?:,? (?:including|among them)|:) "
        r"{award+}",
    ),
    Cue("award_win", r"{award},? went to {winner}(?: for {work})?"),
    # "the ceremony saw "Harbor Lights" lead Celeste Marin, 34, take home Best Actress"
    Cue(
        "award_win",
        r"\bsaw [^.;⟪]{0,40}?{winner}(?:, \d{1,3},)? (?:take home|win|pick up|claim|collect|"
        r"scoop|land|bag|walk away with) {award}(?: for {work})?",
    ),
    Cue(
        "award_win",
        r"{winner}"
        + _APPOSITIVE
        + r",? "
        + _ADV
        + _WON
        + r" "
        + _TROPHY_FOR
        + r"{award}(?: for {work})?",
    ),
    # "Maya Okafor, nominated for Best Supporting Actress, lost out to Ines Marlowe"
    Cue(
        "award_win",
        r"(?:nominated|shortlisted|up|in contention) for {award},? (?:lost|lost out|fell) to "
        r"{winner}",
    ),
    Cue(
        "award_win",
        r"{winner}[^.;⟪]{0,40}? (?:beat|beat out|won out over|edged out|pipped|saw off) "
        r"[^.;⟪]{1,60}? (?:for|to) {award}",
    ),
    Cue("award_win", r"{winner}" + _APPOSITIVE + r",? " + _ADV + r"(?:was|were) crowned {award}"),
    Cue(
        "award_win",
        r"{winner}" + _APPOSITIVE + r",? (?:was|were) (?:named|crowned|voted) {award}",
    ),
    Cue("award_win", r"{winner} (?:won|took) (?:the )?(?:award|prize) for {award}"),
    Cue(
        "award_win",
        (
            r"{winner}['’]s (?:(?:debut|new|latest|second|third) )?(?:album|single|song|"
            r"record|track),? {work},? (?:was named|won|took|picked up) {award}"
        ),
    ),
    Cue(
        "award_win", r"{award} (?:was|were) (?:won by|given to|awarded to) {winner}(?: for {work})?"
    ),
    Cue(
        "award_win",
        r"{winner} (?:(?:debut|new|latest|first|second|third) )?"
        r"(?:album|single|song|record|track),? "
        r"{work},? (?:was named|won|took|picked up) {award}",
    ),
    # presented
    Cue("presented", r"{presenter} " + _ADV + _HANDED + r" {recipient} {award}"),
    Cue("presented", r"{presenter} " + _ADV + _HANDED + r" {award} to {recipient}"),
    Cue(
        "presented",
        r"{presenter},? (?:who )?"
        + _ADV
        + r"(?:presented|surprised) {recipient} with "
        + _TROPHY_FOR
        + r"{award}",
    ),
    Cue(
        "presented",
        r"{presenter} "
        + _ADV
        + _HANDED
        + r" {recipient} (?:the (?:trophy|statuette|award|prize) for )?"
        + _TROPHY_FOR
        + r"{award}",
    ),
    Cue(
        "presented",
        r"{award},? (?:presented|handed out|handed over) by {presenter},? went to {recipient}",
    ),
    Cue("presented", r"{award} " + _GIVEN_TO + r" {recipient} by {presenter}"),
    Cue("presented", r"{award} (?:was|were) (?:presented|handed) by {presenter} to {recipient}"),
    # "The award was presented by Oren Vasquez": the recipient is the award's winner the
    # sentences before named (the proposer carries it; without one, nothing is proposed).
    Cue(
        "presented",
        r"{award} (?:was|were) (?:presented|handed out|handed over|handed|given out) by "
        r"{presenter}(?! to )",
    ),
    Cue("presented", r"{recipient} (?:received|accepted|collected) {award} from {presenter}"),
    Cue(
        "presented",
        r"{recipient}"
        + _WHO
        + r",? (?:was|were) (?:handed|presented with|presented|given|awarded) "
        + r"(?:the [^⟨⟩⟪.;]{1,40}?, )?"
        + _TROPHY_FOR
        + r"{award}(?: for {x_work})?,? by {presenter}",
    ),
    Cue(
        "presented",
        r"{recipient}[^.;⟪]{0,40}? " + _WON + r" " + _TROPHY_FOR + r"{award}(?: for {x_work})?,? "
        r"(?:and )?(?:accepting|accepted|collecting|who accepted) "
        + _THE_NOUN
        + r" from {presenter}",
    ),
    Cue(
        "presented",
        r"(?:lost|lost out|fell) to {recipient}(?: of {x_work})?,? who "
        r"(?:accepted|collected|received) " + _THE_NOUN + r" from {presenter}",
    ),
    Cue(
        "presented",
        r"{award},? (?:an? |the )?" + _NOUN + r" (?:handed|presented|given) to {recipient} by "
        r"{presenter}",
    ),
    # sang
    Cue("sang", r"{singer}" + _APPOSITIVE + r",? " + _ADV + _SANG + r" {song}"),
    # "Barrow sang a hushed, acoustic "Long Way to Amarillo"".
    Cue(
        "sang",
        r"{singer} "
        + _ADV
        + r"(?:sang|performed|played|delivered) an? (?:[a-z][\w-]*,? ){1,3}?{song}",
    ),
    Cue("sang", r"{singer} " + _ADV + _WITH_VERB + r" {song} with"),
    # "X performed "Night Drive" and "Glass Heart"": one fact per song.
    Cue("sang", r"{singer},? " + _ADV + _SANG + r" {song+}(?=[,.;]|$| at | on | to )"),
    Cue("sang", r"{song} was (?:performed|sung) by {singer}"),
    # "X performed Y with Z": Z sang it too.
    Cue("sang", r"{x_performer} " + _ADV + r"(?:performed|sang|played) {song} with {singer}"),
    Cue(
        "sang",
        r"{singer}[^.;⟪]{0,60}? by (?:performing|singing|playing|covering) "
        r"(?:[^⟨⟩⟪.;]{0,50}?,? )?{song}",
    ),
    # "joined Theo Marsh for a stripped-back duet of Shallow": both sang it.
    Cue(
        "sang",
        r"{singer}" + _WHO + r",? " + _ADV + r"joined {x_partner} (?:onstage |on stage )?for an? "
        r"(?:[\w-]+ ){0,3}?" + _RENDITION + r" {song}",
    ),
    Cue(
        "sang",
        r"joined {singer} (?:onstage |on stage )?for an? (?:[\w-]+ ){0,3}?"
        + _RENDITION
        + r" {song}",
    ),
    Cue(
        "sang",
        r"{singer}[^.;⟪]{0,80}? for an? (?:[\w-]+ ){0,3}?"
        + _RENDITION
        + r" "
        + _OWN_HIT
        + r"{song}",
    ),
    # "Ray teamed up with Jack Delaney for a fiery duet of his hit": Delaney sang it too.
    Cue(
        "sang",
        r"{x_performer} "
        + _ADV
        + _WITH_VERB
        + r" with {singer} for an? (?:[\w-]+ ){0,3}?"
        + _RENDITION
        + r" "
        + _OWN_HIT
        + r"{song}",
    ),
    # performed_with
    Cue(
        "performed_with",
        r"{performer},? (?:who )?"
        + _ADV
        + _WITH_VERB
        + r"(?: {x_song}(?:,? (?:and )?(?:then )?(?:also )?{x_song2})?)? with {partner}",
    ),
    Cue(
        "performed_with",
        r"{performer}[^⟨⟩⟪.;]{0,60}?,? and " + _ADV + _WITH_VERB + r" with {partner}",
    ),
    Cue(
        "performed_with",
        r"{performer}"
        + _WHO
        + r",? "
        + _ADV
        + r"(?:who )?joined {partner} (?:onstage |on stage )?(?:for|on) (?:an?|the|their|her|his) "
        + r"(?:[\w-]+ |⟨\d+:year⟩ ){0,3}?"
        + r"(?:duet|performance|rendition|version|run|cover|mash-?up|set|single|song|hit)\b",
    ),
    Cue(
        "performed_with",
        r"{performer}"
        + _APPOSITIVE
        + r",? "
        + _ADV
        + r"joined {partner} (?:onstage |on stage )?on (?:vocals|guitar|drums|bass|piano|keys|"
        r"keyboards|harmonies|backing vocals)\b",
    ),
    Cue(
        "performed_with",
        r"{performer}[^⟨⟩⟪.;]{0,60}? (?:by )?(?:performing|covering|singing|playing) {x_song} "
        r"with {partner}",
    ),
    Cue(
        "performed_with",
        r"{performer} and {partner} (?:shared|traded|swapped|split) (?:the )?(?:stage|mic|"
        r"microphone|vocals|verses|[\w-]+ riser|spotlight)\b",
    ),
    Cue(
        "performed_with",
        r"{performer}" + _WHO + r",? (?:was|were) joined (?:onstage |on stage )?by {partner}",
    ),
    Cue("performed_with", r"{performer},? " + _ADV + r"brought out {partner}"),
    Cue(
        "performed_with",
        r"{performer}"
        + _WHO
        + r",? "
        + _ADV
        + r"joined {partner} (?:onstage |on stage )?for {x_song}",
    ),
    # "X and Y performed a duet of Z": they performed together, and each sang it.
    Cue(
        "performed_with",
        r"{performer} and {partner} "
        + _ADV
        + r"(?:performed|sang|delivered|belted out|played) an? "
        r"(?:[\w-]+ ){0,3}?" + _RENDITION,
    ),
    Cue(
        "sang",
        r"{singer+} " + _ADV + r"(?:performed|sang|delivered|belted out|played) an? "
        r"(?:[\w-]+ ){0,3}?" + _RENDITION + r" " + _OWN_HIT + r"{song}",
    ),
    # "X took the stage to perform Z"
    Cue(
        "sang",
        r"{singer},? (?:(?!(?:and|but|by|with|of|for)\b)[a-z]+ ){1,5}?to "
        r"(?:perform|sing|play|debut|premiere|deliver) {song}",
    ),
    # "X strode out from under the stage to join Y on their collaboration "Paper Moon"":
    # both sang it, together.
    Cue(
        "performed_with",
        r"{performer}[^⟨⟩⟪.;]{0,60}? to join {partner} (?:onstage |on stage )?(?:for|on) "
        + _JOINT_SONG,
    ),
    Cue(
        "sang",
        r"{singer}[^⟨⟩⟪.;]{0,60}? (?:to join|joined) {x_partner} (?:onstage |on stage )?"
        r"(?:for|on) " + _JOINT_SONG + r"{song}",
    ),
    Cue(
        "sang",
        r"{x_performer}[^⟨⟩⟪.;]{0,60}? (?:to join|joined) {singer} (?:onstage |on stage )?"
        r"(?:for|on) " + _JOINT_SONG + r"{song}",
    ),
    # held_at and held_in
    Cue("held_at", r"{event}" + _APPOSITIVE + r",? " + _HELD + r" at {venue}"),
    Cue("held_at", r"{event}[^.;⟪]{0,160}? (?:at|from|inside) {venue}"),
    # The article's event, said in other words: "closing a three-hour show at the Crescent
    # Arena", or in the dateline's sentence ("NASHVILLE — ... at Cumberland Hall").
    Cue(
        "held_at",
        r"\b(?:show|ceremony|gala|festival|concert|finale|final|semi-final|broadcast|taping|"
        r"premiere|awards|event)s?,? (?:[^⟨⟩⟪.;]{0,30}? )?(?:at|from|inside) {venue}",
    ),
    Cue("held_at", r"^{x_city}[^—–.;]{0,30}? [—–-] [^.;⟪]{0,120}? (?:at|from|inside) {venue}"),
    Cue("held_in", r"{event}" + _APPOSITIVE + r",? " + _HELD + r" (?:at {x_venue} )?in {city}"),
    Cue("held_in", r"{event} " + _HELD + r" in {city}"),
    Cue("held_in", r"{event}(?: at {x_venue})?,? in {city}\b"),
    Cue("held_in", r"{x_event}[^.;⟪]{0,160}? at {x_venue},? in {city}\b"),
    # edition
    Cue(
        "edition",
        r"the (?P<edition>\d+)(?:st|nd|rd|th) (?:annual )?(?:edition of (?:the )?)?{event}",
    ),
    Cue("edition", r"{event},? the (?P<edition>\d+(?:st|nd|rd|th)|[a-z]+) (?:annual )?edition\b"),
    Cue("edition", r"the (?P<edition>[a-z]+) annual {event}"),
    Cue(
        "edition",
        r"{event},? (?:now )?in (?:its|their) (?P<edition>\d+(?:st|nd|rd|th)|[a-z]+) "
        r"(?:year|edition)\b",
    ),
    Cue("edition", r"{event's} (?P<edition>\d+(?:st|nd|rd|th)|[a-z]+) (?:annual )?edition\b"),
    # "The 31st annual ceremony", "the sixth-season finale": the article's event.
    Cue(
        "edition",
        r"\bthe (?P<edition>\d+(?:st|nd|rd|th)|[a-z]+(?:st|nd|rd|th)) (?:annual |edition of the )?"
        r"(?:ceremony|festival|edition|awards|gala|show|event)\b",
    ),
    Cue("edition", r"\bthe (?P<edition>\d+(?:st|nd|rd|th)|[a-z]+)-season (?:finale|final)\b"),
    # trophy
    Cue("trophy", r"{trophy}"),
    # band_member
    Cue("band_member", r"{band's} (?P<position>" + _POSITION + r"),? {member}"),
    Cue("band_member", r"{band} (?P<position>" + _POSITION + r"),? {member}"),
    Cue(
        "band_member",
        r"{member}, (?:(?:the|a) )?(?:[\w-]+ )?(?P<position>"
        + _POSITION
        + r") (?:of|for|in) {band}",
    ),
    Cue("band_member", r"{member},? {band's} (?P<position>" + _POSITION + r")"),
    Cue("band_member", r"(?<![\w'’])(?P<position>" + _BAND_POSITION + r") {member}[^.;]*?{band}"),
    # With no band in the sentence: the band the article is about so far.
    Cue("band_member", r"(?<![\w'’-])(?P<position>" + _BAND_POSITION + r"),? {member}"),
    Cue(
        "band_member",
        r"{band},? [^.;⟪]{0,60}?(?:led|fronted) by (?:its |their )?(?P<position>"
        + _POSITION
        + r"),? {member}",
    ),
    # star_of
    Cue("star_of", r"{show}(?:, [^.;⟪]{1,60}?,)? (?:co-)?stars? {stars+}"),
    Cue(
        "star_of",
        r"{stars},? (?:who )?(?:plays|played|stars as|starred as|portrays|portrayed) "
        r"[^⟨⟩⟪.;]{1,60}? in (?:the |her |his )?(?:[\w-]+ ){0,3}?"
        r"(?:film|movie|drama|comedy|thriller|series|show|musical|play|feature) {show}",
    ),
    Cue(
        "star_of",
        r"{stars+},? (?:who )?" + _ADV + r"(?:stars?|starred|starring|appears?|appeared) in {show}",
    ),
    Cue("star_of", r"the (?:stars|cast) of {show},? {stars+}"),
    Cue(
        "star_of",
        r"{stars}(?:, [^.;⟪⟨]{1,40}?,)?,? (?:the |a )?(?:star|co-star|lead|breakout star) of "
        r"{show}",
    ),
    Cue("star_of", r"{stars} for (?:his|her|their) (?:turn|role|performance|part) in {show}"),
    Cue("star_of", r"{show} (?:star|actor|actress|lead) {stars}"),
    # said
    Cue("said", _QUOTE + r",? {speaker},? " + _SAID + r"(?: {to})?"),
    Cue("said", _QUOTE + r",? " + _SAID + r" {speaker}"),
    Cue("said", r"{speaker} " + _SAID + r"(?: {to})?[,:]? " + _QUOTE),
    Cue("said", r"{speaker} to {to}: " + _QUOTE),
    # "presented by Darlene Pruitt, who told the crowd, "...""
    Cue("said", r"{speaker},? who (?:told|said to) (?:the|her|his|their) [a-z]+,? " + _QUOTE),
    # wore
    Cue(
        "wore",
        r"{wearer}"
        + _APPOSITIVE
        + r",? (?:who )?"
        + _ADV
        + (
            r"(?:wore|wears|was wearing|arrived in|dressed in|donned|stepped out in|"
            r"sported|showed up in|changed into|rocked|walked the red carpet in|showed off|"
            r"flaunted|modeled|modelled|slipped into|opted for|chose|turned heads in|stunned in|"
            r"dazzled in|shone in|glittered in|sparkled in) "
        )
        + _OUTFIT,
    ),
    Cue("wore", r"{wearer}[^⟨⟩⟪.;]{0,80}?,? (?:wore|wears|was wearing|donned) " + _OUTFIT),
    Cue("wore", r"{wearer}, (?:in|wearing|dressed in|clad in|resplendent in|sporting) " + _OUTFIT),
    Cue(
        "wore",
        r"{wearer}(?: [—–-] [^—–]{1,80}? [—–-])?[^⟨⟩⟪.;]{0,80}? (?:in|wearing) " + _OUTFIT,
    ),
    Cue(
        "wore",
        r"{wearer}, who [^.;⟪]{0,100}?,? "
        + _ADV
        + r"(?:wore|was wearing|donned|arrived in) "
        + _OUTFIT,
    ),
    # "Wearing an emerald velvet gown, she caught her heel": the clause's subject wore it.
    Cue(
        "wore",
        r"(?:^|[,;:—] )(?:wearing|clad in|dressed in|decked out in|resplendent in) "
        + _OUTFIT
        + r",? {wearer}",
    ),
    # gave
    Cue(
        "gave",
        r"{giver}"
        + _APPOSITIVE
        + r",? "
        + _ADV
        + r"(?:gave|handed|passed|tossed|threw|offered|slipped|brought) {receiver} "
        + _THING,
    ),
    Cue(
        "gave",
        r"{giver}"
        + _APPOSITIVE
        + r",? "
        + _ADV
        + r"(?:presented|surprised) {receiver} with "
        + _THING,
    ),
    Cue(
        "gave",
        r"{giver}"
        + _APPOSITIVE
        + r",? "
        + _ADV
        + r"(?:gave|handed|passed|tossed|threw|slipped) "
        + _THING.replace("(?= to | after", "(?= to ").replace(
            " from | at | before | on | for | during | as | while | when | and |[,.;]|$)", ")"
        )
        + r" to {receiver}",
    ),
    # met
    Cue(
        "met",
        r"{people} and {met} (?:had |have )?(?:first )?met (?P<detail>(?:for the first time|"
        r"backstage|onstage|on set|on the set of [^⟪.;,]{3,40}?|at (?:the|a|an) [^⟪.;,]{3,50}?|"
        r"while [^⟪.;,]{3,60}?))(?=[,.;]| and |$)",
    ),
    Cue(
        "met",
        r"{people+} (?:had |has |have )?"
        + _ADV
        + r"(?:met|meets) {met}(?: [—–-] [^—–]{1,60}? [—–-])? (?P<detail>for the first time)",
    ),
    # "first met X at a table read": where they met for the first time.
    Cue(
        "met",
        r"{people+}(?:,? who)? (?:had |has |have )?first (?:met|meets) {met} "
        r"(?P<detail>at (?:the|a|an|(?-i:[A-Z][a-z]+day)['’]s) [^⟪.;,]{3,50}?)(?=[,.;]| and |$)",
        prefix={"detail": "for the first time "},
    ),
    Cue(
        "met",
        r"{people+} (?:had |has |have )?(?!first (?:met|meets) ⟨[^⟩]*⟩ at )(?:first )?"
        + _ADV
        + (
            r"(?:met|meets) {met} (?P<detail>(?:(?:backstage|onstage|on set)"
            r"(?: at [^⟪.;,]{3,50}?)?|while [^⟪.;,]{3,60}?|at (?:the|a|an) [^⟪.;,]{3,50}?))"
            r"(?=[,.;]| and |$)"
        ),
    ),
    # hung_out
    Cue(
        "hung_out",
        r"{people+} (?:hung out|hangs out|hang out)(?: backstage)? with {companion}",
        literal={"activity": "hang out with"},
    ),
    Cue(
        "hung_out",
        r"{people+} (?:palled|pals|palling) around with {companion}",
        literal={"activity": "pal around with"},
    ),
    Cue(
        "hung_out",
        r"{people+} (?:(?:were|was) (?:spotted |seen )?partying|partied|parties) with "
        r"{companion}",
        literal={"activity": "party with"},
    ),
    Cue(
        "hung_out",
        r"{people+} (?:(?:were|was) (?:spotted |seen |caught )?dancing|danced|dances) with "
        r"{companion}",
        literal={"activity": "dance with"},
    ),
    Cue(
        "hung_out",
        r"{people+} (?:spent time|spends time) with {companion}",
        literal={"activity": "spend time with"},
    ),
    # "walked the carpet arm-in-arm with", "spent the week rehearsing with": the activity in
    # its base form (quizapp.workspace.propose.base_form).
    Cue(
        "hung_out",
        r"{people+},? (?:[^⟨⟩⟪.;]{0,40}? )?(?P<activity>"
        + _OUTING
        + r"(?: [a-z][\w'’-]*){0,4}? with) {companion}",
    ),
    # fan_of
    # "X told Y that her 2009 hit Z had been her favorite song"
    Cue(
        "fan_of",
        r"{fan}"
        + _WHO
        + r",? (?:who )?(?:had )?(?:told|confessed to|admitted to|assured) {idol} that "
        r"(?:her|his|their) (?:[\w-]+ |⟨\d+:year⟩ ){0,3}?{favorite},? (?:had been|was|is|"
        r"has been|remained|was still|is still) (?:her|his|their) (?:all-time )?favou?rite",
    ),
    # "X had confessed to her that he was a lifelong fan"
    Cue(
        "fan_of",
        r"{fan} (?:had |has )?(?:told|confessed to|admitted to|assured) {idol} that "
        r"(?:he|she|they|⟨\d+:[^⟩]*⟩) (?:was|is|had been|has been|had always been) (?:a |an )?"
        r"(?:huge |big |longtime |lifelong |devoted |die-hard |massive )?(?:fan|admirer)\b",
    ),
    Cue(
        "fan_of",
        r"{fan}[^⟨⟩⟪.;]{0,40}? (?:a|an) (?:huge |big |longtime |lifelong |devoted |"
        r"self-confessed |self-described |die-hard |massive |avowed )?(?:fan|admirer) of {idol}",
    ),
    Cue(
        "fan_of",
        (
            r"{fan},? (?:who )?(?:has|had|have)? ?(?:been|is|was|are) (?:a |an )?(?:huge "
            r"|big |longtime |lifelong |devoted |self-confessed )?(?:fan|admirer) of "
            r"{idol}"
        ),
    ),
    Cue(
        "fan_of",
        (
            r"{fan} (?:said|admitted|told [^⟨⟩⟪.;,]{0,25}?) (?:she|he|they) (?:had been|"
            r"has been|was|is) (?:a |an )?(?:huge |big |longtime |lifelong )?fan of "
            r"{idol}"
        ),
    ),
    # nicknamed
    Cue(
        "nicknamed",
        (
            r"{subject+},? who (?:was|were|is|are|has been|have been) (?:nicknamed|dubbed|"
            r"called|known as) (?P<nickname>⟪\d+⟫)(?: by (?P<given_by>(?:the |their "
            r"|his |her |its )?[\w'’ -]{2,40}?)(?=[,.;]|$| and ))?"
        ),
    ),
    Cue(
        "nicknamed",
        (
            r"(?:called|dubbed|nicknamed|named) {subject} (?P<nickname>⟪\d+⟫)(?:[^⟪.;]{0,40}? "
            r"by (?P<given_by>(?:the |their |his |her |its )?[\w'’ -]{2,40}?)(?=[,.;]|"
            r"$| and ))?"
        ),
    ),
    Cue(
        "nicknamed",
        (
            r"{subject} (?:was|is|were|are) (?:nicknamed|dubbed|known as|called) "
            r"(?P<nickname>⟪\d+⟫)"
            r"(?: by (?P<given_by>(?:the |their |his |her |its )?[\w'’ -]{2,40}?)(?=[,.;]|"
            r"$| and ))?"
        ),
    ),
    Cue(
        "nicknamed",
        r"{subject},? (?:[—–-] )?(?:[a-z]+ly )?(?:known|better known) "
        r"(?:to (?P<given_by>[\w'’ -]{2,40}?) )?as "
        r"(?P<nickname>⟪\d+⟫|⟨\d+:[^⟩]*⟩)",
    ),
    Cue(
        "nicknamed",
        r"{subject},? (?:the|a) [^.;⟪]{0,60}? (?P<given_by>(?:the )?[\w-]+(?: [\w-]+)?) "
        r"(?:have|has|had) (?:dubbed|nicknamed|called) (?P<nickname>⟪\d+⟫|⟨\d+:[^⟩]*⟩)",
    ),
    Cue(
        "nicknamed",
        r"{subject},? [—–-]? ?(?:dubbed|nicknamed|called) (?P<nickname>⟪\d+⟫|⟨\d+:[^⟩]*⟩)"
        r"(?: by (?P<given_by>(?:the |their |his |her |its )?[\w'’ -]{2,40}?)"
        r"(?=[,.;—–]|$| and | for ))?",
    ),
    Cue(
        "nicknamed",
        r"(?P<given_by>⟨\d+:[^⟩]*⟩) (?:has been |have been |had been |has |have )?(?:calling|"
        r"called|dubbed|nicknamed) {subject} (?P<nickname>⟪\d+⟫|⟨\d+:[^⟩]*⟩)",
    ),
    Cue(
        "nicknamed",
        r"{subject},? (?:a\.?k\.?a\.?|aka) (?P<nickname>⟪\d+⟫|⟨\d+:[^⟩]*⟩)",
    ),
    # 'Fenella "Fen" Munro': the first name stands for the whole name.
    Cue("nicknamed", r"{subject} (?P<nickname>⟨\d+:song⟩) ⟨\d+:person⟩"),
    Cue(
        "nicknamed",
        r"(?P<given_by>(?:his |her |their |the )?(?:fans|friends|critics|bandmates|castmates|"
        r"co-stars|colleagues|crew|tabloids|press|team)) (?:have |has |had )?(?:long |always |"
        r"affectionately |lovingly )?(?:call|calls|called|dubbed|nicknamed) {subject} "
        r"(?P<nickname>⟪\d+⟫|⟨\d+:[^⟩]*⟩)",
    ),
    Cue(
        "nicknamed",
        r"{subject},? whom (?P<given_by>⟨\d+:[^⟩]*⟩) (?:has |had |have )?(?:dubbed|nicknamed|"
        r"called) (?P<nickname>⟪\d+⟫|⟨\d+:[^⟩]*⟩)",
    ),
    # announced
    Cue(
        "announced",
        # ("X paused, grinned and announced ...")
        r"{announcer} (?:[^⟨⟩⟪.;]{0,30}? to |[^⟨⟩⟪.;]{0,40}? and )?"
        + _ADV
        + (
            r"(?:announced|revealed|confirmed|announce|reveal|unveil|unveiled) (?:that )?"
            r"(?:the (?:title|name) of )?(?:her|his|their|the|⟨[^⟩]+⟩(?:['’]s)?) "
            # "her new album", "the group's second full-length album"
            r"(?:[a-z][\w-]* ){0,3}?album,? {album}"
        ),
    ),
    Cue(
        "announced",
        r"{announcer} "
        + _ADV
        + r"(?:announced|revealed|confirmed)(?: on)?(?: (?:Monday|Tuesday|Wednesday|Thursday|"
        r"Friday|Saturday|Sunday|today|tonight|yesterday|onstage|backstage))? "
        r"(?P<news>that [^⟪,.;]{5,120}?)(?=[,.;]|$)(?![,.;]? ?⟨\d+:album)",
    ),
    Cue(
        "announced",
        r"{announcer} [^⟨⟩⟪.;]{0,80}? and "
        + _ADV
        + r"(?:announced|revealed|confirmed) (?P<news>that [^⟪,.;]{5,120}?)(?=[,.;]|$)"
        r"(?![,.;]? ?⟨\d+:album)",
    ),
    # works_as: "Beacon TV presenter Reggie Amadi", "Lena Fischer, the A&R chief at
    # Northgate Records", "Reggie Amadi, the Beacon TV presenter known for ..."
    Cue("works_as", r"{employer}(?:['’]s)? (?P<position>" + _JOB_TITLE + r"),? {person}"),
    Cue(
        "works_as",
        r"{person}, (?:the|a|an) {employer} (?P<position>"
        + _JOB_TITLE
        + r")(?: known for (?:his |her |their |its )?(?P<known_for>[^,.;⟪⟨]{3,60}?))?"
        r"(?=[,.;]|$| who | and )",
    ),
    Cue(
        "works_as",
        r"{person},? (?:(?:who )?works as |(?:is|was) )?(?:the|a|an) (?P<position>"
        + _JOB_TITLE
        + r") (?:at|for|of) {employer}",
    ),
    # A dateline: "LOS ANGELES — ..." opens a report from the event's city.
    # (Maybe with a date and an agency: "LOS ANGELES, Feb. 2 (AP) —".)
    Cue("held_in", r"^{city}(?:,? [^—–]{1,30}?)? [—–-]"),
    # congratulated: "including" leaves the list of well-wishers open
    Cue(
        "congratulated",
        r"{congratulated+} (?:was|were) [a-z]+ (?:backstage |onstage )?by (?:[\w-]+ )?"
        r"well-wishers including {well_wishers+}",
        open=("well_wishers",),
    ),
    Cue(
        "congratulated",
        r"including {well_wishers+} "
        + _ADV
        + r"congratulated {congratulated+}(?: on (?P<occasion>[^,.;⟪]{3,60}?))?(?=[,.;]|$)",
        open=("well_wishers",),
    ),
    Cue(
        "congratulated",
        r"(?<!including ){well_wishers+} "
        + _ADV
        + r"congratulated {congratulated+}(?: on (?P<occasion>[^,.;⟪]{3,60}?))?(?=[,.;]|$)",
    ),
    Cue(
        "congratulated",
        r"{congratulated+} (?:was|were) congratulated by (?:[\w-]+ )*?including {well_wishers+}",
        open=("well_wishers",),
    ),
    Cue(
        "congratulated",
        r"{congratulated+} (?:was|were) congratulated by "
        r"(?!(?:[\w-]+ )*?including ){well_wishers+}",
    ),
    Cue(
        "congratulated",
        r"{well_wishers+}[^.;⟪]{0,60}? (?:the first |among the first |quick )?(?:to|and) "
        r"congratulate "
        r"{congratulated+}(?: on (?P<occasion>[^,.;⟪]{3,60}?))?(?=[,.;]|$| as )",
    ),
    # caught
    Cue("caught", r"{catchers+} caught {caught}"),
    # "she pitched forward, only to be caught by her co-stars A and B"
    Cue(
        "caught",
        r"{caught}(?:,| who)? [^.;⟪⟨]{0,80}?(?:only |just )?(?:to be|was|were|got) caught by "
        # (Her "Harbor Lights" co-stars A and B: "her" and the show are slots too.)
        r"(?:⟨\d+:[^⟩]*⟩ ){0,2}{catchers+}",
    ),
    Cue(
        "caught",
        r"{caught}[^.;⟪]{0,100}? (?:fell|toppled|tumbled|stumbled|collapsed)"
        r"[^.;⟪⟨]{0,40}? into the (?:waiting )?arms of {catchers+}",
    ),
    # alter_ego
    Cue(
        "alter_ego",
        r"{person}[^.;⟪⟨]{0,30}? as (?:her|his|their) (?:[\w-]+ )?(?:alter ego|persona),? "
        r"{alter_ego}",
    ),
    Cue("alter_ego", r"{person's} alter ego,? {alter_ego}"),
)

# A show has more stars than an article names: its list of stars is always open.
CUES = tuple(replace(c, open=("stars",)) if c.kind == "star_of" else c for c in CUES)


# What a literal role of a cue phrase takes: a quotation or a few plain words for a text, a
# number or an ordinal ("28th", "fifth") for a number.
_PHRASE_TEXT = r"⟪\d+⟫|[^⟨⟩⟪.;]{1,80}?"
_PHRASE_NUMBER = r"\d{1,6}(?:st|nd|rd|th)?|" + "|".join(sorted(ORDINALS, key=len, reverse=True))


def phrase_cue(kind_name: str, kind: KindIn, phrase: str) -> Cue:
    """The cue a kind's phrase ("{winner} won {award} at {event}") says, as `learn_cues` makes
    its patterns: the words as they are (any run of spaces matching any), an entity role a
    mention (a list, for a many role), a literal role a quotation or plain words.

    The phrase must be valid (the loader's `quizapp.bank.files.cue_phrase_parts`).
    """
    pattern: list[str] = []
    parts = cue_phrase_parts(phrase)
    for index, (part, value) in enumerate(parts):
        if part == "text":
            pattern.append(re.escape(value).replace(r"\ ", r"\s+"))
            continue
        spec = kind.roles[value]
        if spec.literal is None:
            pattern.append("{" + value + ("+}" if spec.many else "}"))
            continue
        body = _PHRASE_NUMBER if spec.literal == "number" else _PHRASE_TEXT
        # Plain words at the phrase's end stop where the clause does.
        end = r"(?=[,.;]|$)" if index == len(parts) - 1 else ""
        pattern.append(rf"(?P<{value}>{body}){end}")
    return Cue(kind_name, "".join(pattern))


def phrase_cues(kinds: Mapping[str, KindIn]) -> Iterable[Cue]:
    """The cues of every kind's phrases."""
    for name, kind in kinds.items():
        for phrase in kind.cues:
            yield phrase_cue(name, kind, phrase)
