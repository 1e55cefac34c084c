"""Nicknames (hipocorísticos) and English equivalents of Spanish given names.

Mexican records use nicknames that share no letters with the name (PEPE for JOSE, CHUY for
JESUS, PANCHO for FRANCISCO), and US records anglicize names (JOSEPH for JOSE). Each maps to
one canonical Spanish given name, so that the given-name comparison and screening see them as
the same name. Where a nickname is ambiguous (BETO: ALBERTO or ROBERTO) it maps to the more
common name; the comparison then still gives partial credit through the phonetic level.
"""

from __future__ import annotations

_GROUPS: dict[str, tuple[str, ...]] = {
    "JOSE": ("PEPE", "CHEPE", "PEPITO", "JOSEPH", "JOE", "JOEY", "CHEPO"),
    "JESUS": ("CHUY", "CHUCHO", "CHUYITO", "JESSE"),
    "FRANCISCO": ("PANCHO", "PACO", "FRANK", "FRANCIS", "KIKO", "FRANCO", "CHICO", "FRANKIE"),
    "EDUARDO": ("LALO", "EDWARD", "ED", "EDDIE", "EDDY"),
    "GUILLERMO": ("MEMO", "WILLIAM", "BILL", "WILL", "WILLY", "BILLY"),
    "IGNACIO": ("NACHO", "IGNATIUS"),
    "ALBERTO": ("BETO", "ALBERT", "AL"),
    "ROBERTO": ("ROBERT", "BOB", "BOBBY", "ROB", "ROBBIE", "TITO"),
    "ANTONIO": ("TONO", "TONY", "ANTHONY", "TOÑO"),
    "JUAN": ("JOHN", "JOHNNY", "JUANITO", "JUANCHO", "JACK"),
    "PEDRO": ("PETER", "PETE", "PERICO"),
    "MIGUEL": ("MICHAEL", "MIKE", "MICKEY", "MIKY"),
    "RAFAEL": ("RAFA", "RALPH", "FALO"),
    "ENRIQUE": ("QUIQUE", "HENRY", "HANK", "KIKE"),
    "MANUEL": ("MANOLO", "MANNY", "MEME", "MANE"),
    "CARLOS": ("CHARLES", "CHARLIE", "CHARLY", "CARLITOS"),
    "JORGE": ("GEORGE", "COQUE", "GEORGIE"),
    "ALEJANDRO": ("ALEX", "ALEXANDER", "ALEJO", "JANDRO", "SANDRO"),
    "RICARDO": ("RICHARD", "RICK", "RICKY", "RICHIE", "RICHI", "DICK"),
    "GERARDO": ("GERARD", "JERRY", "GERA", "LALO"),
    "JAVIER": ("XAVIER", "JAVI"),
    "JOAQUIN": ("CHAPO", "JOAQUI", "QUINO"),
    "SALVADOR": ("CHAVA", "CHAVO", "SAL"),
    "RODOLFO": ("RUDY", "FITO", "RUDOLPH", "RODO"),
    "ADOLFO": ("FITO", "ADOLPH"),
    "CONCEPCION": ("CONCHA", "CONCHITA", "CONNIE"),
    "GUADALUPE": ("LUPE", "LUPITA", "PITA", "LUPILLO"),
    "DOLORES": ("LOLA", "LOLITA", "LOLIS"),
    "MARIA": ("MARY", "MARIE", "MARI", "MAYA"),
    "ROSARIO": ("CHAYO", "CHARO"),
    "REFUGIO": ("CUCO", "CUCA", "CUQUITA"),
    "ISABEL": ("CHABELA", "ELIZABETH", "BETTY", "LIZ", "CHAVELA"),
    "TERESA": ("TERE", "TERESITA", "THERESA"),
    "ANA": ("ANNA", "ANNE", "ANNIE", "ANITA"),
    "DAVID": ("DAVE", "DAVY"),
    "DANIEL": ("DANNY", "DANY", "DAN"),
    "LUIS": ("LOUIS", "LOUIE", "LUCHO", "WICHO"),
    "ARMANDO": ("MANDO",),
    "FERNANDO": ("NANDO", "FER", "FERDINAND"),
    "OCTAVIO": ("TAVO",),
    "GUSTAVO": ("TAVO", "GUS"),
    "EUSEBIO": ("CHEVO",),
    "ERNESTO": ("NETO", "ERNIE", "ERNEST"),
    "HUMBERTO": ("BETO",),
    "SANTIAGO": ("CHAGO", "JAMES", "JIM", "JIMMY", "DIEGO", "JAIME"),
    "VICENTE": ("CHENTE", "VINCENT", "VINNY"),
    "ANDRES": ("ANDREW", "ANDY"),
    "ESTEBAN": ("STEPHEN", "STEVEN", "STEVE"),
    "MATEO": ("MATTHEW", "MATT"),
    "TOMAS": ("THOMAS", "TOM", "TOMMY"),
    "FELIPE": ("PHILIP", "PHIL", "PIPE"),
    "PABLO": ("PAUL",),
    "MARCOS": ("MARK", "MARCUS"),
    "LORENZO": ("LAWRENCE", "LARRY", "LENCHO"),
    "RAMON": ("MONCHO", "RAY", "RAYMOND"),
    "GABRIEL": ("GABE", "GABO"),
    "BENJAMIN": ("BENJI", "BEN", "MINCHO"),
    "CATALINA": ("CATHERINE", "KATE", "CATY"),
    "JUANA": ("JANE", "JOAN", "JUANITA", "JANET"),
    "MARGARITA": ("MARGARET", "MAGGIE", "MAGO", "MARGIE", "PEGGY"),
    "ELENA": ("HELEN", "NENA", "LENA"),
    "BEATRIZ": ("BETTY", "BEA", "BEATRICE"),
}


def _build() -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, nicks in _GROUPS.items():
        for nick in nicks:
            out.setdefault(nick, canonical)  # first group wins for an ambiguous nickname
    for canonical in _GROUPS:
        out[canonical] = canonical
    return out


NICKNAMES: dict[str, str] = _build()


def canonical_given(token: str) -> str:
    """The canonical given name of a folded token: PEPE -> JOSE, JOSEPH -> JOSE, ANA -> ANA."""
    return NICKNAMES.get(token, token)
