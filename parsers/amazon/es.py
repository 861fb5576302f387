"""Spanish, as Amazon writes it on amazon.es (Spain) and amazon.com.mx (Mexico).

One table serves both: the two storefronts share most of their wording, and where
they differ ("En reparto" in Spain, "en ruta de entrega" in Mexico; "Transportista"
and "Paquetería") both spellings are listed, since neither means anything else on
the other side of the Atlantic. Dates are day first with "de" between the parts
("viernes, 27 de marzo", "27 de marzo de 2026"), which the shared date grammar
already reads. Accents are listed with and without, because plain-text parts and
older templates sometimes drop them.
"""

from __future__ import annotations

import re

from parsers.amazon.language import CLAUSE, PLACE, Language, places, rules
from parsers.model import Milestone as M

# "mar" is both March and Tuesday: the date grammar tells them apart by position
# (a weekday comes before the day number, a month after it).
_MONTHS = {
    "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4,
    "abr": 4, "mayo": 5, "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7,
    "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9, "sept": 9, "sep": 9,
    "octubre": 10, "oct": 10, "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
}  # fmt: skip

_WEEKDAYS = {
    "lunes": 0, "lun": 0, "martes": 1, "mar": 1, "miércoles": 2, "miercoles": 2, "mié": 2,
    "mie": 2, "jueves": 3, "jue": 3, "viernes": 4, "vie": 4, "sábado": 5, "sabado": 5,
    "sáb": 5, "sab": 5, "domingo": 6, "dom": 6,
}  # fmt: skip

# Longest first is the date grammar's business, so "pasado mañana" wins over "mañana".
_RELATIVE_DAYS = {
    "hoy": 0, "esta noche": 0, "mañana": 1, "manana": 1, "pasado mañana": 2,
    "pasado manana": 2,
}  # fmt: skip

# "Entregado", "Entregada", "Entregados": one pattern per participle.
_O = r"[oa]s?"

_SUBJECT = rules(
    (M.CANCELLED, rf"\bcancelad{_O}\b|\bcancelación\b|\bcancelacion\b"),
    (M.REFUNDED, rf"\breembols(?:o|ad{_O})\b"),
    (M.RETURN_RECEIVED, r"\bdevoluci[óo]n recibida\b|\bhemos recibido (?:tu|la) devoluci[óo]n\b"),
    (M.RETURN_STARTED, r"\bdevoluci[óo]n\b"),
    (M.DELIVERY_ATTEMPTED, r"\bintento de entrega\b|\bentrega fallida\b"
     r"|\bno (?:hemos podido|pudimos|se ha podido|se pudo) entregar\b|\bintentamos entregar\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:listo|lista|disponible)s? para (?:su )?recog(?:er|ida)\b"
     r"|\bya puedes recoger\b|\brecoge tu (?:paquete|pedido)\b"),
    (M.DELIVERED, rf"^\W*entregad{_O}\b|\b(?:ha|han) sido entregad{_O}\b"
     rf"|\bse (?:ha|han) entregado\b|\bfue entregad{_O}\b|^\W*entrega (?:realizada|completada)\b"
     r"|\btu (?:pedido|paquete) ha llegado\b(?! (?:a|al)\b)"),
    (M.OUT_FOR_DELIVERY, r"^\W*en reparto\b|\b(?:está|esta) en reparto\b"
     r"|^\W*llega(?:rá)? hoy\b|\btu paquete llega(?:rá)? hoy\b"
     r"|\ben ruta de entrega\b|\bsali[óo] (?:a|para) (?:reparto|entrega)\b"),
    (M.DELAYED, rf"\bretrasad{_O}\b|\bse (?:ha|han) retrasado\b|\bretraso\b"
     r"|\bllegará más tarde\b|\bnueva fecha de entrega\b"),
    (M.SHIPPED, rf"^\W*enviad{_O}\b|\b(?:ha|han) sido enviad{_O}\b|\bse (?:ha|han) enviado\b"
     rf"|\bfue enviad{_O}\b|\b(?:está|esta) en camino\b|^\W*llega(?:rá)?\b"),
    (M.ORDERED, r"^\W*pedido realizado\b|\btu pedido (?:de|en) amazon(?:\.[a-z.]+)?\b"
     r"|\bconfirmación de (?:tu )?pedido\b|\bgracias por tu (?:pedido|compra)\b"),
)  # fmt: skip

# Body rules read sentences, not the one-word labels of the progress bar
# ("Pedido realizado · Enviado · En reparto · Entregado") that every shipment mail shows.
_BODY = rules(
    (M.CANCELLED, r"\b(?:tu |el )?pedido (?:ha sido|fue|se ha) cancelado\b|\bhemos cancelado\b"
     r"|\b(?:artículos?|productos?) (?:ha|han) sido cancelados?\b"),
    (M.DELIVERY_ATTEMPTED, r"\bno (?:hemos podido|pudimos|se ha podido|se pudo) entregar\b"
     r"|\bintentamos entregar\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:está|ya está) (?:listo|disponible) para (?:su )?"
     r"recog(?:er|ida)\b|\bya puedes recoger\b"),
    (M.DELIVERED, r"\btu (?:paquete|pedido) (?:ha sido|fue|se ha) entregado\b"
     r"|^\s*entregado hoy\b"),
    (M.OUT_FOR_DELIVERY, r"\btu paquete (?:está|va) en reparto\b"
     r"|\btu paquete (?:está|va) en ruta de entrega\b"),
    (M.DELAYED, r"\b(?:está|ha sido|se ha) retrasado\b|\bllegará más tarde de lo "
     r"(?:previsto|esperado)\b"),
    (M.SHIPPED, r"\btu (?:paquete|pedido) (?:ha sido|fue|se ha) enviado\b"
     r"|\b(?:artículos|productos) (?:han sido|se han) enviado\b"),
    (M.ORDERED, r"\bgracias por tu (?:pedido|compra)\b|^\s*confirmación de pedido\b"),
)  # fmt: skip

# What may stand between a phrase and its date: a colon, and "el" / "entre el".
# "Antes del" is left out on purpose: "Recógelo antes del lunes" is a pickup deadline.
_TAIL = r"(?:\s*:)?(?:\s+(?:el día|el|entre el))?"

# Phrases that introduce a delivery estimate, newest-information first.
_ETA_PHRASES = (
    rf"nueva fecha de (?:entrega|llegada)(?: (?:estimada|prevista))?(?: es)?{_TAIL}",
    rf"ahora (?:llegará|llega|se entregará|está previsto|prevista para){_TAIL}",
    rf"(?:entrega|llegada) (?:estimada|prevista|garantizada)(?: para)?{_TAIL}",
    rf"fecha (?:de entrega|de llegada) (?:estimada|prevista){_TAIL}",
    rf"llegada\s*:{_TAIL}",
    rf"(?:llegará|llega|se entregará|lo recibirás|la recibirás){_TAIL}",
    rf"entrega\s*:{_TAIL}",
)

SPANISH = Language(
    code="es",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"\b(?:cantidad|cant\.|unidades|uds?\.)\s*:?\s*(\d{1,3})\b", re.I),
    # "Foto de la entrega", "Ver la foto de tu paquete", "imagen de tu paquete"
    photo_label=re.compile(r"\bfoto\b|\bimagen de (?:tu |la )?(?:paquete|entrega)\b", re.I),
    # "Transportista: Correos", "Paquetería: DHL Express", "enviado con SEUR",
    # "entregado por Amazon Logistics", "transferido a Estafeta". "Enviado por Amazon"
    # beside an item is Amazon's fulfilment, not the carrier, so "enviado por" never
    # names a bare "Amazon".
    carrier_label=re.compile(
        r"(?:\b(?:transportista|paqueter[íi]a|empresa de (?:transporte|mensajer[íi]a))\s*:?"
        r"|\b(?:enviad|entregad|repartid)[oa]s? (?:por|con|mediante)(?: el transportista)?"
        r"(?!\s+amazon\b(?!\s+logistics))|\btransferid[oa] a)"
        r"\s+(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    sold_by=re.compile(r"^\s*vendido (?:y enviado )?por\b", re.I | re.M),
    generic_link=re.compile(
        r"^(?:comprar de nuevo|volver a comprar|ver|seguir|rastrear|gestionar|modificar"
        r"|escribir|valorar|opinar|devolver|compartir|dejar|tus pedidos|mis pedidos|tu cuenta"
        r"|detalles)\b",
        re.I,
    ),
    # "Código de recogida: 731946". A code has a digit in it, so a word after the
    # label ("Código de recogida: se enviará ...") is never taken for one.
    pickup_code=re.compile(
        r"\bc[óo]digo (?:de (?:recogida|acceso)|pin)(?: es)?\s*:?\s*"
        r"(?P<code>(?=[A-Z]*\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Tu contraseña de un solo uso es 482913": said to the driver, not a locker code.
    delivery_code=re.compile(
        r"\b(?:contraseña (?:de un (?:solo|único) uso|única)"
        r"|c[óo]digo (?:de entrega|de un solo uso)|otp)(?: \(otp\))?(?: es)?\s*:?\s*"
        r"(?P<code>(?=[A-Z]*\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Punto de recogida: ...", "Tu paquete está en el Amazon Locker - Tallarí, Calle ..."
    pickup_location=places(
        rf"\bpunto de recogida\s*:?\s*{PLACE}",
        rf"\b(?:está|se encuentra) en (?:el |la |tu )?(?=amazon|locker|punto|oficina){PLACE}",
        rf"\bte espera en (?:el |la |tu )?{PLACE}",
    ),
    # "Recógelo antes del jueves, 2 de abril"
    pickup_deadline=(
        r"\brec[óo]ge(?:lo|la|los|las)? antes del?",
        r"\brecoger(?: tu (?:paquete|pedido))? antes del?",
        r"\bdisponible (?:para recoger )?hasta el",
    ),
    # "Tu paquete se ha dejado en la puerta principal", "Recibido por: Andrea (residente)"
    delivery_location=places(
        rf"\bse ha (?=(?:dejado|entregado) (?:en|junto|delante|a|al|con)\b){CLAUSE}",
        rf"\b(?=recibido por\s*:){CLAUSE}",
    ),
    # A refund that is late or pending is not a refund.
    informational=re.compile(
        r"\breembolso\b[^\n]{0,40}?\b(?:retrasad[oa]|con retraso|pendiente|en espera)"
        r"|\bretraso en (?:tu |el )?reembolso\b",
        re.IGNORECASE,
    ),
    negative_subjects=re.compile(
        r"^\W*valora\b|\bvalora (?:tu|este|el)\b|\b(?:qué|que) te (?:ha )?parec"
        r"|\bcomparte tu (?:opinión|experiencia)\b|\bopina sobre\b|\btu opinión\b"
        r"|\bofertas? (?:para ti|del día|seleccionadas)\b|\brecomendaciones para ti\b"
        r"|\bseleccionad[oa]s para ti\b",
        re.IGNORECASE,
    ),
    range_separators=("-", "–", "—", "y el", "al", "y"),
    day_first=True,
    # "27/03/2026": day, month, year, as everywhere Spanish or Portuguese is written.
    numeric_dates="dmy",
)
