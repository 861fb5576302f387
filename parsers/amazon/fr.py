"""French, as Amazon writes it on amazon.fr, amazon.com.be and French-language amazon.ca.

French dates are day first ("vendredi 27 mars", "le 27 mars 2026", "ven. 27 mars").
French typography puts a no-break space before ":" and inside « », which the decoder
folds to plain spaces, so the patterns here only need `\\s*` there. Apostrophes come
both straight and curly (U+2019), and both are listed.
"""

from __future__ import annotations

import re

from parsers.amazon.language import CLAUSE, PLACE, Language, places, rules
from parsers.model import Milestone as M

_MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2,
    "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7,
    "juil": 7, "août": 8, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}  # fmt: skip

_WEEKDAYS = {
    "lundi": 0, "lun": 0, "mardi": 1, "mar": 1, "mercredi": 2, "mer": 2, "jeudi": 3,
    "jeu": 3, "vendredi": 4, "ven": 4, "samedi": 5, "sam": 5, "dimanche": 6, "dim": 6,
}  # fmt: skip

_RELATIVE_DAYS = {
    "aujourd'hui": 0, "aujourd’hui": 0, "ce soir": 0, "demain": 1, "après-demain": 2,
    "apres-demain": 2, "après demain": 2,
}  # fmt: skip

# "Livré", "Livrée", "Livrés"; "Expédié", "Expédiée", "Expédiés": one pattern each.
_E = r"[ée]e?s?"

_SUBJECT = rules(
    (M.CANCELLED, r"\bannul[ée]e?s?\b|\bannulation\b"),
    (M.REFUNDED, r"\brembours[ée]e?s?\b|\bremboursement\b"),
    (M.RETURN_STARTED, r"^\W*retour\b|\b(?:votre|demande de|étiquette de|bon de|confirmation de)"
     r" retour\b"),
    (M.DELIVERY_ATTEMPTED, r"\btentative de livraison\b|\bnous (?:sommes passés|n['’]avons pas"
     r" pu livrer)\b|\blivraison manquée\b|\bavis de passage\b"
     r"|\bnous avons tenté de (?:vous )?livrer\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\bprête? (?:à être retirée?|pour (?:le )?retrait)\b"
     r"|\bdisponible (?:pour (?:le )?retrait|(?:au|en|dans (?:le|la|l['’]|votre)) ?"
     r"(?:point (?:de )?retrait|point relais|relais|amazon locker|locker|casier|counter))"),
    (M.DELIVERED, rf"^\W*livr{_E}\s*:|\ba été livr{_E}\b|\bont été livr{_E}\b|^\W*colis livré"
     r"|^\W*livraison effectuée\b|\bcommande est arrivée\b(?! (?:au|à|dans|en)\b)"),
    (M.OUT_FOR_DELIVERY, r"^\W*en cours de livraison\b|^\W*(?:livraison|arrive) aujourd['’]hui\b"
     r"|\best en cours de livraison\b"),
    (M.DELAYED, r"\bretard de livraison\b|\ben retard\b"
     r"|\bretardée?s?\b|\bnouvelle date de livraison\b"),
    (M.SHIPPED, rf"^\W*expédi{_E}\s*:|\ba été expédi{_E}\b|\bont été expédi{_E}\b"
     r"|\best en (?:route|chemin)\b|^\W*arrive\b"),
    (M.ORDERED, rf"^\W*command{_E}\s*:|\bvotre commande amazon(?:\.[a-z.]+)?\b"
     r"|\bconfirmation de (?:votre )?commande\b|\bmerci pour votre commande\b"),
)  # fmt: skip

_BODY = rules(
    (M.CANCELLED, r"\b(?:commande|articles?) (?:a|ont) été annulée?s?\b"
     r"|\bcommande est annulée\b"),
    (M.DELIVERY_ATTEMPTED, r"\bnous avons tenté de (?:vous )?livrer\b"
     r"|\bnous n['’]avons pas pu livrer\b"),
    (M.DELIVERED, r"\bvotre (?:colis|commande) a été livrée?\b|^\s*livrée? aujourd['’]hui\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\bprête? à être retirée?\b|\bdisponible pour (?:le )?retrait\b"),
    # Not a bare "En cours de livraison" line: that is also a label of the progress bar
    # that every shipment email shows.
    (M.OUT_FOR_DELIVERY, r"\bvotre colis est en cours de livraison\b"),
    (M.DELAYED, r"\b(?:est|sont) en retard\b|\ba été retardée?\b|\bont été retardée?s\b"
     r"|^\s*nouvelle date de livraison\b"),
    (M.SHIPPED, r"\bvotre (?:colis|commande) a été expédiée?\b|\bont été expédiée?s\b"),
    (M.ORDERED, r"\bmerci (?:pour|de) votre commande\b|^\s*confirmation de commande\b"),
)  # fmt: skip

# Phrases that introduce a delivery estimate, newest-information first. Each may end
# with the "le" / "entre le" / ":" that stands between it and the date.
_ETA_PHRASES = (
    r"nouvelle date de livraison(?: (?:estimée|prévue))?(?:\s*:)?(?:\s+(?:le|entre le))?",
    r"(?:désormais|maintenant) (?:prévue?|attendue?|estimée?)(?: pour)?(?:\s+(?:le|entre le))?",
    r"(?:arrivera|sera livrée?) (?:désormais|maintenant)(?:\s+(?:le|entre le))?",
    r"(?:livraison|arrivée) (?:prévue|estimée|garantie)(?: pour)?(?:\s*:)?"
    r"(?:\s+(?:le|entre le|d['’]ici le|avant le))?",
    r"date (?:de livraison|d['’]arrivée) (?:prévue|estimée)(?:\s*:)?",
    r"arrivée\s*:(?:\s*le)?",
    r"(?:arrivera|arrive|sera livrée?)(?:\s+(?:le|entre le|d['’]ici le|avant le))?",
    r"livraison\s*:(?:\s*le)?",
    r"livraison(?= aujourd['’]hui| demain)",
)

FRENCH = Language(
    code="fr",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"\b(?:quantité|qté)\s*:?\s*(\d{1,3})\b", re.IGNORECASE),
    photo_label=re.compile(r"\bphoto\b|\bimage de (?:votre )?(?:colis|livraison)\b", re.I),
    # "Transporteur : Chronopost", "expédié par Colissimo", "livré par Amazon Logistics",
    # "remis à Chronopost". "Expédié par Amazon" under an item is Amazon's fulfilment,
    # not the carrier, so "expédié par" never names Amazon.
    carrier_label=re.compile(
        r"(?:\btransporteur\s*:?"
        r"|\bexpédiée?s? (?:par|avec|via)(?: le transporteur)?(?!\s+amazon\b)"
        r"|\blivrée?s? (?:par|avec)(?: le transporteur)?"
        r"|\b(?:confiée?|remise?) (?:au transporteur |à ))"
        r"\s*(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    sold_by=re.compile(r"^\s*vendu par\b", re.I | re.M),
    generic_link=re.compile(
        r"^(?:acheter à nouveau|racheter|afficher|voir|suivre|consulter|gérer|modifier|écrire"
        r"|évaluer|noter|retourner|partager|laisser|donner|vos commandes|votre compte|détails)\b",
        re.I,
    ),
    pickup_code=re.compile(
        r"\bcode (?:de (?:retrait|récupération)|d['’]accès|pin)(?: est)?\s*:?\s*"
        r"(?P<code>[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Votre mot de passe à usage unique est 482913": said to the driver, not a locker code.
    delivery_code=re.compile(
        r"\b(?:mot de passe (?:à usage unique|unique)|code (?:de livraison|à usage unique)|otp)"
        r"(?: \(otp\))?(?: est)?\s*:?\s*(?P<code>(?=[A-Z]{0,11}\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "disponible dans l'Amazon Locker - Rhône, 12 rue ...", "Point de retrait : ..."
    pickup_location=places(
        rf"\bpoint (?:de )?(?:retrait|relais)\s*:\s*{PLACE}",
        rf"\b(?:disponible|prête? à être retirée?) (?:dans|au|à|en|chez)\s+"
        rf"(?:l['’]|le |la |votre )?{PLACE}",
        rf"\bvous attend (?:dans|au|à|en|chez)\s+(?:l['’]|le |la |votre )?{PLACE}",
    ),
    # "Vous avez jusqu'au mercredi 8 avril pour retirer votre colis"
    pickup_deadline=(
        r"\bjusqu['’]au",
        r"\bretir(?:er|ez)(?: votre (?:colis|commande))? avant le",
    ),
    # "Votre colis a été déposé devant la porte d'entrée" -> "déposé devant la porte d'entrée"
    delivery_location=places(
        r"\ba été (?=(?:déposé|laissé|remis|livré)e?s? (?:devant|dans|à|au|aux|chez|sur|près"
        rf"|derrière|sous|en)\b){CLAUSE}",
    ),
    # A refund that is late or pending is not a refund.
    informational=re.compile(
        r"\bremboursement\b[^\n]{0,40}?\b(?:retardé|en retard|en attente|différé)"
        r"|\bretard (?:de|du|dans le) remboursement\b",
        re.IGNORECASE,
    ),
    negative_subjects=re.compile(
        r"^\W*(?:é|e)valuez\b|\bdonnez(?: nous)? votre avis\b|\bvotre avis\b(?!\s+de passage)"
        r"|\bcomment (?:s['’]est passée?|évalueriez|était)\b|\bpartagez votre (?:avis|expérience)"
        r"|\bque pensez-vous\b|\b(?:offres?|bons? plans?|ventes? flash) (?:du jour|pour vous"
        r"|sélectionnée?s|à ne pas manquer)\b|\bsélectionnée?s? pour vous\b"
        r"|\bnos recommandations\b",
        re.IGNORECASE,
    ),
    range_separators=("-", "–", "—", "et le", "au", "et"),
    day_first=True,
)
