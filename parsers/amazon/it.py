"""Italian, as Amazon writes it on amazon.it.

Italian dates are day first ("venerdì 27 marzo", "ven 27 mar", "27 marzo 2026").
Accented weekdays are also listed without their accent ("venerdi"), which is how
they come out of templates and clients that drop accents. Apostrophes come both
straight and curly (U+2019), and both are listed. Past participles agree with
the noun ("spedito", "spedita", "spediti", "spedite"), hence the `[oaie]` endings.
"""

from __future__ import annotations

import re

from parsers.amazon.language import CLAUSE, PLACE, Language, places, rules
from parsers.model import Milestone as M

# "mar" is both Tuesday and March: the date grammar reads a weekday only in front of
# a full date and a month only beside a day number, so the two never collide.
_MONTHS = {
    "gennaio": 1, "gen": 1, "febbraio": 2, "feb": 2, "marzo": 3, "mar": 3, "aprile": 4,
    "apr": 4, "maggio": 5, "mag": 5, "giugno": 6, "giu": 6, "luglio": 7, "lug": 7,
    "agosto": 8, "ago": 8, "settembre": 9, "sett": 9, "set": 9, "ottobre": 10, "ott": 10,
    "novembre": 11, "nov": 11, "dicembre": 12, "dic": 12,
}  # fmt: skip

_WEEKDAYS = {
    "lunedì": 0, "lunedi": 0, "lun": 0, "martedì": 1, "martedi": 1, "mar": 1,
    "mercoledì": 2, "mercoledi": 2, "mer": 2, "giovedì": 3, "giovedi": 3, "gio": 3,
    "venerdì": 4, "venerdi": 4, "ven": 4, "sabato": 5, "sab": 5, "domenica": 6, "dom": 6,
}  # fmt: skip

_RELATIVE_DAYS = {"oggi": 0, "stasera": 0, "domani": 1, "dopodomani": 2}

# Apostrophe, straight or curly (U+2019): "dell'ordine" is written both ways.
_AP = "['’]"

_SUBJECT = rules(
    (M.CANCELLED, r"\bannullat[oaie]\b|\bannullamento\b"),
    (M.REFUNDED, r"\brimbors[oi]\b|\brimborsat[oaie]\b"),
    (M.RETURN_RECEIVED, r"\breso ricevuto\b|\babbiamo ricevuto (?:il tuo|l['’]articolo"
     r" (?:del|in)) reso\b"),
    # Not a bare "reso": it is also the participle of "rendere" ("reso disponibile").
    (M.RETURN_STARTED, r"^\W*reso (?:avviato|richiesto|autorizzato|creato)\b"
     r"|\b(?:il tuo|richiesta di|etichetta (?:per il|di)|conferma (?:del|di)) reso\b"
     r"|\bistruzioni per il reso\b|\brestituzione\b"),
    (M.DELIVERY_ATTEMPTED, r"\btentativo di consegna\b|\bconsegna non riuscita\b"
     r"|\bnon (?:siamo riusciti|è stato possibile) (?:a )?consegnare\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\bpront[oaie] (?:per il ritiro|da ritirare|per essere ritirat[oaie])"
     r"|\bdisponibil[ei] per il ritiro\b|\bin attesa di (?:essere )?ritirat[oaie]\b"
     r"|\bpuoi ritirare\b"),
    # "Consegna effettuata: Il tuo ordine Amazon.it ...": not an order confirmation.
    (M.DELIVERED, r"^\W*consegnat[oaie]\b|\b(?:è|sono) stat[oaie] consegnat[oaie]\b"
     r"|\bconsegna (?:è stata )?effettuata\b|\b(?:ordine|pacco|spedizione) è arrivat[oa]\b"
     r"(?! (?:al|nel|presso)\b)"),
    (M.OUT_FOR_DELIVERY, r"^\W*in consegna\b|^\W*arriv(?:a|erà) oggi\b|\bè in consegna\b"
     r"|\bin consegna oggi\b|\b(?:arriva|arriverà) oggi\b"),
    (M.DELAYED, r"\bin ritardo\b|\britardo (?:nella|di) consegna\b|\bsubirà un ritardo\b"
     r"|\bnuova data di consegna\b"),
    (M.SHIPPED, r"^\W*spedit[oaie]\b|\b(?:è|sono) stat[oaie] spedit[oaie]\b"
     r"|\b(?:il tuo pacco|la tua spedizione) è in (?:arrivo|viaggio)\b|^\W*arriv(?:a|erà)\b"),
    (M.ORDERED, rf"^\W*ordinat[oaie]\b|\bil tuo ordine amazon(?:\.it)?\b|\bordine confermato\b"
     rf"|\bconferma (?:dell{_AP}|d{_AP})ordine\b|\bgrazie per (?:il tuo |l{_AP})ordine\b"),
)  # fmt: skip

# Headlines only, not the labels of the progress bar ("Ordinato", "Spedito",
# "In consegna", "Consegnato") that every shipment email shows.
_BODY = rules(
    (M.CANCELLED, r"\bordine è stato annullato\b"
     r"|\barticol[oi] (?:è stato|sono stati) annullat[oi]\b"),
    (M.REFUNDED, r"\babbiamo (?:emesso|elaborato) (?:il|un) rimborso\b"),
    (M.DELIVERY_ATTEMPTED, r"\bnon (?:siamo riusciti|è stato possibile) (?:a )?consegnare\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:il tuo pacco|la tua spedizione) è pront[oa] per il ritiro\b"
     r"|\bè disponibile per il ritiro\b"),
    (M.DELIVERED, r"\b(?:il tuo pacco|la tua spedizione|il tuo ordine) è stat[oa] consegnat[oa]\b"
     r"|^\s*consegnato oggi\b|\bconsegna (?:è stata )?effettuata\b"),
    (M.OUT_FOR_DELIVERY, r"\b(?:il tuo pacco|la tua spedizione) è in consegna\b"),
    (M.DELAYED, r"\b(?:è|sono) in ritardo\b|\bha subito un ritardo\b"
     r"|^\s*nuova data di consegna\b"),
    (M.SHIPPED, r"\b(?:il tuo pacco|la tua spedizione|il tuo ordine) è stat[oa] spedit[oa]\b"
     r"|\b(?:i tuoi articoli|i tuoi pacchi) sono stati spediti\b"),
    (M.ORDERED, rf"\bgrazie per (?:il tuo |l{_AP})ordine\b"
     rf"|^\s*(?:conferma (?:dell{_AP}|d{_AP})ordine|ordine confermato)\b"),
)  # fmt: skip

_DAY_WORDS = (
    r"oggi|domani|dopodomani|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica"
    r"|lunedi|martedi|mercoledi|giovedi|venerdi"
)

# Phrases that introduce a delivery estimate, newest-information first. Each may end
# with the "il" / "tra" / ":" that stands between it and the date. No bare "entro":
# return emails use it for the deadline to send an item back.
_ETA_PHRASES = (
    r"nuova data di consegna(?: prevista| stimata)?(?:\s*:)?(?:\s+(?:il|tra))?",
    r"(?:ora|adesso) previst[oa](?: per)?(?:\s*:)?(?:\s+(?:il|tra))?",
    r"(?:arrivo|consegna) (?:previst[oa]|stimat[oa]|garantit[oa])(?: per)?(?:\s*:)?"
    r"(?:\s+(?:il|tra|entro il|entro))?",
    r"data (?:di consegna|di arrivo) (?:prevista|stimata)(?:\s*:)?(?:\s+(?:il|tra))?",
    r"(?:arriva|arriverà|sarà consegnat[oa])(?:\s+(?:il|tra|entro il|entro))?",
    # "Il tuo pacco è in consegna oggi"
    rf"in consegna(?=\s+(?:{_DAY_WORDS})\b)",
)

ITALIAN = Language(
    code="it",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"(?:\bquantità|\bqtà|\bq\.tà)\s*:?\s*(\d{1,3})\b", re.IGNORECASE),
    # "Foto della consegna", "Foto del pacco", "Immagine del tuo pacco"
    photo_label=re.compile(
        r"\bfoto\b|\bimmagine (?:del(?:la)? )?(?:tu[oa] )?(?:pacco|consegna)\b", re.IGNORECASE
    ),
    # "Corriere: BRT", "spedito con GLS", "consegnato da Poste Italiane", "affidato a BRT".
    # "Venduto e spedito da Amazon" under an item is Amazon's fulfilment, not the
    # carrier, so "spedito da" is not a label.
    # "spedito con il corriere SDA" names the carrier after "il corriere".
    carrier_label=re.compile(
        r"(?:\b(?:corriere|vettore)\s*:?|\bspedit[oaie] (?:con|tramite|via)(?: il corriere)?"
        r"|\bconsegnat[oaie] (?:da|tramite)(?: il corriere)?|\baffidat[oaie] (?:al corriere |a ))"
        r"\s*(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    sold_by=re.compile(r"^\s*(?:venduto|spedito) da\b", re.I | re.M),
    generic_link=re.compile(
        r"^(?:acquista di nuovo|compra di nuovo|visualizza|traccia|segui|monitora|dettagli"
        r"|gestisci|modifica|restituisci|scrivi|valuta|recensisci|condividi|lascia"
        r"|i (?:miei|tuoi) ordini|il (?:mio|tuo) account)\b",
        re.I,
    ),
    # "Codice di ritiro: 482913" at a locker. A code holds a digit, so "codice di ritiro
    # quando..." never yields the word "quando".
    pickup_code=re.compile(
        r"\bcodice (?:di ritiro|di sblocco|pin|di accesso)(?: è)?\s*:?\s*"
        r"(?P<code>(?=[A-Z]{0,11}\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # The one-time delivery password, said to the driver: "La tua password monouso è ...".
    delivery_code=re.compile(
        r"(?:\bcodice (?:di consegna|otp|monouso)|\bpassword monouso(?: \(otp\))?|\botp)"
        r"(?: è)?\s*:?\s*(?P<code>(?=[A-Z]{0,11}\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Punto di ritiro: Amazon Locker - Duomo", "pronto per il ritiro presso ..."
    pickup_location=places(
        rf"\bpunto di ritiro\s*:?\s*{PLACE}",
        rf"\b(?:ritiro|ritirarlo|ritirarla|ritirare) presso (?:l['’]|il |la |lo )?{PLACE}",
        rf"\b(?:disponibile|ti aspetta) (?:presso|nel|nella|in) (?:l['’]|il |la |lo )?{PLACE}",
    ),
    # "Ritira il pacco entro venerdì 3 aprile"
    pickup_deadline=(
        r"\britir(?:a|alo|ala|are)(?: il (?:tuo )?pacco)? entro(?: il)?",
        r"\bdisponibile (?:per il ritiro )?fino a(?:l)?",
    ),
    # "Il pacco è stato lasciato davanti alla porta d'ingresso"
    delivery_location=places(
        r"\bè stat[oa] (?=(?:lasciat|depositat|consegnat|affidat)[oa] (?:davanti|nel|nella"
        rf"|nello|a|al|alla|allo|ai|presso|in|sul|sulla|dal|dalla|da|accanto)\b){CLAUSE}",
    ),
    # A refund that is late or pending is not a refund.
    informational=re.compile(
        r"\brimborso\b[^\n]{0,40}?\b(?:in ritardo|ritardat[oa]|in sospeso|non ancora)"
        r"|\britardo (?:nel|del) rimborso\b",
        re.IGNORECASE,
    ),
    # Review requests, opinions, deals, and Alexa's own mail (which talks about
    # parcels: "Alexa, dov'è il mio pacco?"). "alexa" only at the start: an Echo's
    # title ("... con Alexa") can be quoted in a real order's subject.
    negative_subjects=re.compile(
        rf"^\W*valuta\b|\bvaluta (?:il tuo|l{_AP}|questo|la tua)\b"
        r"|\bcome (?:valuteresti|è andat[oa]|ti è sembrat[oa]|ti trovi)\b"
        r"|\blascia una recensione\b|\bla tua opinione\b"
        r"|\bcondividi la tua (?:opinione|esperienza)\b"
        r"|\bofferte (?:per te|del giorno|selezionate|imperdibili)\b|\bconsigliat[oi] per te\b"
        r"|^\W*(?:amazon )?alexa\b|^\W*novità\b",
        re.IGNORECASE,
    ),
    # "27/03/2026" (it) and "27-03-2026" (nl): day first when written in digits too.
    numeric_dates="dmy",
    range_separators=("-", "–", "—", "e il", "al", "e"),
    day_first=True,
)
