"""Brazilian Portuguese, as Amazon writes it on amazon.com.br.

Dates are day first with "de" between the parts ("sexta-feira, 27 de março",
"27 de março de 2026"), which the shared date grammar already reads. Weekdays are
written with "-feira" ("segunda-feira"); the bare "segunda", "quarta" and "quinta"
are left out of the table because they are also the ordinals "second", "fourth" and
"fifth" ("segunda tentativa de entrega"), and a weekday standing alone after an
estimate phrase would be misread. Accents are listed with and without, because
plain-text parts sometimes drop them.
"""

from __future__ import annotations

import re

from parsers.amazon.language import CLAUSE, PLACE, Language, places, rules
from parsers.model import Milestone as M

_MONTHS = {
    "janeiro": 1, "jan": 1, "fevereiro": 2, "fev": 2, "março": 3, "marco": 3, "mar": 3,
    "abril": 4, "abr": 4, "maio": 5, "mai": 5, "junho": 6, "jun": 6, "julho": 7,
    "jul": 7, "agosto": 8, "ago": 8, "setembro": 9, "set": 9, "outubro": 10, "out": 10,
    "novembro": 11, "nov": 11, "dezembro": 12, "dez": 12,
}  # fmt: skip

_WEEKDAYS = {
    "segunda-feira": 0, "seg": 0, "terça-feira": 1, "terca-feira": 1, "ter": 1,
    "quarta-feira": 2, "qua": 2, "quinta-feira": 3, "qui": 3, "sexta-feira": 4, "sex": 4,
    "sábado": 5, "sabado": 5, "sáb": 5, "sab": 5, "domingo": 6, "dom": 6,
}  # fmt: skip

_RELATIVE_DAYS = {
    "hoje": 0, "amanhã": 1, "amanha": 1, "depois de amanhã": 2, "depois de amanha": 2,
}  # fmt: skip

# "Entregue", "Entregues"; "Enviado", "Enviada", "Enviados": one pattern each.
_O = r"[oa]s?"

_SUBJECT = rules(
    (M.CANCELLED, rf"\bcancelad{_O}\b|\bcancelamento\b"),
    (M.REFUNDED, rf"\breembols(?:o|ad{_O})\b|\bestorno\b"),
    (M.RETURN_RECEIVED, r"\bdevolução recebida\b|\brecebemos (?:a |sua )?devolução\b"),
    (M.RETURN_STARTED, r"\bdevolução\b"),
    (M.DELIVERY_ATTEMPTED, r"\btentativa de entrega\b|\bentrega não realizada\b"
     r"|\bnão (?:foi possível|conseguimos) entregar\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:pront[oa]|disponível) para (?:retirada|retirar|coleta)\b"),
    (M.DELIVERED, r"^\W*entregues?\b|\bfoi entregue\b|\bforam entregues\b"
     r"|^\W*entrega realizada\b|\bseu (?:pedido|pacote) chegou\b(?! (?:ao|à|no|na)\b)"),
    (M.OUT_FOR_DELIVERY, r"^\W*saiu para (?:a )?entrega\b|\bsaiu para (?:a )?entrega\b"
     r"|^\W*chega(?:rá)? hoje\b|\bseu pacote chega(?:rá)? hoje\b|\bem rota de entrega\b"),
    (M.DELAYED, rf"\batrasad{_O}\b|\batraso\b|\bnova data de entrega\b"
     r"|\bchegará (?:mais tarde|depois)\b"),
    (M.SHIPPED, rf"^\W*enviad{_O}\b|\bfoi enviad{_O}\b|\bforam enviad{_O}\b"
     r"|\bestá a caminho\b|^\W*a caminho\b|^\W*chega(?:rá)?\b"),
    (M.ORDERED, r"^\W*pedido (?:confirmado|realizado)\b|\bseu pedido (?:na|da) amazon"
     r"(?:\.[a-z.]+)?\b|\bconfirmação (?:do|de) (?:seu )?pedido\b"
     r"|\bobrigad[oa] (?:pelo seu pedido|pela sua compra|por (?:seu|sua) (?:pedido|compra))\b"),
)  # fmt: skip

# Body rules read sentences, not the one-word labels of the progress bar
# ("Pedido confirmado · Enviado · Saiu para entrega · Entregue") in every shipment mail.
_BODY = rules(
    (M.CANCELLED, r"\bseu pedido (?:foi|está) cancelado\b|\bcancelamos\b"
     r"|\b(?:itens|produtos) foram cancelados\b"),
    (M.DELIVERY_ATTEMPTED, r"\btentamos entregar\b|\bnão (?:foi possível|conseguimos) entregar\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:está|já está) (?:pronto|disponível) para "
     r"(?:retirada|retirar|coleta)\b"),
    (M.DELIVERED, r"\bseu (?:pacote|pedido) foi entregue\b|^\s*entregue hoje\b"),
    (M.OUT_FOR_DELIVERY, r"\bseu pacote saiu para (?:a )?entrega\b"
     r"|\bseu pacote está em rota de entrega\b"),
    (M.DELAYED, r"\bestá atrasad[oa]\b|\bchegará (?:mais tarde|depois) do (?:que o )?previsto\b"),
    (M.SHIPPED, r"\bseu (?:pacote|pedido) foi enviado\b|\b(?:itens|produtos) foram enviados\b"),
    (M.ORDERED, r"\bobrigad[oa] (?:pelo seu pedido|pela sua compra|por (?:seu|sua) "
     r"(?:pedido|compra))\b"),
)  # fmt: skip

# What may stand between a phrase and its date: a colon, and "em" / "no dia" / "na"
# ("na sexta-feira") / "no" ("no sábado") / "até" (by). "Retire até" is a pickup
# deadline, not an estimate, and no phrase below ends in "retire".
_TAIL = r"(?:\s*:)?(?:\s+(?:no dia|em|na|no|até))?"

# Phrases that introduce a delivery estimate, newest-information first. A delivery
# attempt mail's "nova tentativa" date is when the parcel is now expected.
_ETA_PHRASES = (
    rf"nova data (?:de entrega|de chegada)(?: (?:prevista|estimada))?(?: é)?{_TAIL}",
    rf"agora (?:chegará|chega|será entregue|previst[oa] para){_TAIL}",
    rf"nova tentativa(?: de entrega)?(?: (?:prevista|agendada))?(?: para)?{_TAIL}",
    rf"(?:entrega|chegada) (?:prevista|estimada|garantida)(?: para)?{_TAIL}",
    rf"previsão de (?:entrega|chegada){_TAIL}",
    rf"data (?:de entrega|de chegada) (?:prevista|estimada){_TAIL}",
    rf"chegada\s*:{_TAIL}",
    rf"(?:chegará|chega|será entregue|você receberá (?:seu|o) pacote){_TAIL}",
    rf"entrega\s*:{_TAIL}",
)

PORTUGUESE = Language(
    code="pt",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"\b(?:quantidade|qtd|qtde)\.?\s*:?\s*(\d{1,3})\b", re.IGNORECASE),
    # "Foto da entrega", "Veja a foto do seu pacote", "imagem do pacote"
    photo_label=re.compile(r"\bfoto\b|\bimagem d[ao] (?:seu )?(?:pacote|entrega)\b", re.I),
    # "Transportadora: Correios", "enviado pelos Correios", "entregue pela Jadlog",
    # "transferido para a Loggi". "Enviado pela Amazon" beside an item is Amazon's
    # fulfilment, so those phrases never name a bare "Amazon".
    carrier_label=re.compile(
        r"(?:\btransportadora\s*:?"
        r"|\b(?:enviad|entregu)[oae]s? (?:pel[oa]s?|por|via|com)(?: a transportadora)?"
        r"(?!\s+amazon\b(?!\s+logistics))|\btransferid[oa] para(?: (?:[ao]s?))?)"
        r"\s+(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    sold_by=re.compile(r"^\s*vendido (?:e entregue )?por\b", re.I | re.M),
    generic_link=re.compile(
        r"^(?:comprar novamente|comprar de novo|ver|veja|visualizar|rastrear|acompanhar"
        r"|gerenciar|alterar|escrever|avaliar|devolver|compartilhar|deixar|seus pedidos"
        r"|meus pedidos|sua conta|detalhes)\b",
        re.I,
    ),
    # "Código de retirada: 731946". A code has a digit in it, so a word after the
    # label is never taken for one.
    pickup_code=re.compile(
        r"\bc[óo]digo (?:de (?:retirada|coleta|acesso)|pin)(?: é)?\s*:?\s*"
        r"(?P<code>(?=[A-Z]*\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Sua senha de uso único é 482913": said to the driver, not a locker code.
    delivery_code=re.compile(
        r"\b(?:senha (?:de uso único|única|de entrega)|c[óo]digo (?:de entrega|de uso único)|otp)"
        r"(?: \(otp\))?(?: é)?\s*:?\s*(?P<code>(?=[A-Z]*\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    pickup_location=places(
        rf"\b(?:ponto|local) de (?:retirada|coleta)\s*:?\s*{PLACE}",
        rf"\bdisponível (?:para retirada )?(?:no|na|em) {PLACE}",
    ),
    pickup_deadline=(
        r"\bretire(?: (?:seu|o) (?:pacote|pedido))? até",
        r"\bdisponível (?:para retirada )?até",
    ),
    # "Recebido por: Rafael Souza Lima", "Seu pacote foi deixado na portaria"
    delivery_location=places(
        rf"\b(?=recebido por\s*:){CLAUSE}",
        rf"\bfoi (?=(?:deixad|entregu)[oae] (?:na|no|em|com|ao|à|junto)\b){CLAUSE}",
    ),
    # A refund that is late or pending is not a refund.
    informational=re.compile(
        r"\breembolso\b[^\n]{0,40}?\b(?:atrasad[oa]|pendente|em análise)"
        r"|\batraso no reembolso\b",
        re.IGNORECASE,
    ),
    negative_subjects=re.compile(
        r"^\W*avalie\b|\bavalie (?:seu|sua|o|a|este|esta)\b|\bo que (?:você )?achou\b"
        r"|\bcomo foi (?:sua|a)\b|\bcompartilhe sua (?:opinião|experiência)\b|\bsua opinião\b"
        r"|\bofertas? (?:para você|do dia|selecionadas)\b|\brecomendações para você\b"
        r"|\bselecionad[oa]s para você\b",
        re.IGNORECASE,
    ),
    range_separators=("-", "–", "—", "até", "e", "a"),
    day_first=True,
    # "27/03/2026": day, month, year, as everywhere Spanish or Portuguese is written.
    numeric_dates="dmy",
)
