"""Nicknames (hipocorísticos) and English equivalents of given names.

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


# English nicknames and short forms of English names, and more Spanish ones, that the
# groups above do not hold. Used only as equivalences (``equivalents``); screening's
# canonical form (``canonical_given``) is unchanged by them.
_MORE: dict[str, tuple[str, ...]] = {
    "SAMUEL": ("SAM", "SAMMY", "SAMI"),
    "SAMANTHA": ("SAM", "SAMMY", "SAMI"),
    "ALFRED": ("FRED", "ALF", "ALFIE", "FREDDIE", "ALFREDO", "FREDY"),
    "FREDERICK": ("FRED", "FREDDIE", "FREDDY", "FEDERICO", "FREDERIC"),
    "WILFRED": ("FRED", "WILF"),
    "ELIZABETH": ("LIZ", "LIZZIE", "BETH", "BETSY", "BETTY", "ELIZA", "LISA", "ISABEL", "ELISABET", "ELISA"),
    "MARGARET": ("MEG", "MAGGIE", "PEGGY", "MARGE", "MARGIE", "MARGARITA", "GRETA", "RITA"),
    "KATHERINE": ("KATE", "KATIE", "KATHY", "KAT", "CATHERINE", "KATHRYN", "CATALINA", "KITTY"),
    "CHRISTOPHER": ("CHRIS", "KIT", "CRISTOBAL", "TOPHER"),
    "CHRISTINE": ("CHRIS", "CHRISSY", "TINA", "CRISTINA", "CHRISTINA", "KRISTEN", "KIRSTEN"),
    "NICHOLAS": ("NICK", "NICKY", "NICO", "NICOLAS", "COLIN"),
    "JONATHAN": ("JON", "JONNY", "JONNIE", "NATHAN"),
    "NATHANIEL": ("NATE", "NAT", "NATHAN", "NATANAEL"),
    "MATTHEW": ("MATT", "MATTY", "MATEO", "MATIAS"),
    "PATRICK": ("PAT", "PADDY", "PATRICIO", "PATO"),
    "PATRICIA": ("PAT", "PATTY", "TRISH", "TRICIA", "PATY"),
    "TIMOTHY": ("TIM", "TIMMY", "TIMOTEO"),
    "JOSHUA": ("JOSH", "JOSUE"),
    "ZACHARY": ("ZACH", "ZACK", "ZAC"),
    "BENJAMIN": ("BEN", "BENNY", "BENJI"),
    "DOUGLAS": ("DOUG",), "GREGORY": ("GREG", "GREGORIO", "GOYO"), "LEONARD": ("LEN", "LENNY", "LEO", "LEONARDO"),
    "RONALD": ("RON", "RONNIE", "RONALDO"), "DONALD": ("DON", "DONNIE"), "KENNETH": ("KEN", "KENNY"),
    "STEPHEN": ("STEVE", "STEVIE", "STEVEN", "ESTEBAN"), "ANDREW": ("ANDY", "DREW", "ANDRES"),
    "ANTHONY": ("TONY", "ANTONIO", "TOÑO", "TONO"), "JAMES": ("JIM", "JIMMY", "JAMIE", "JAIME", "DIEGO", "SANTIAGO"),
    "ROBERT": ("ROB", "ROBBIE", "BOB", "BOBBY", "BERT", "ROBERTO", "BETO"),
    "ALBERT": ("AL", "BERT", "BERTIE", "ALBERTO", "BETO"), "HUMBERTO": ("BETO",),
    "WILLIAM": ("WILL", "BILL", "BILLY", "WILLIE", "LIAM", "GUILLERMO", "MEMO"),
    "RICHARD": ("RICK", "RICKY", "DICK", "RICH", "RICHIE", "RICARDO"), "EDWARD": ("ED", "EDDIE", "TED", "NED", "EDUARDO", "LALO"),
    "THEODORE": ("TED", "TEDDY", "THEO", "TEODORO"), "HENRY": ("HANK", "HARRY", "ENRIQUE", "KIKE", "QUIQUE"),
    "HAROLD": ("HARRY", "HAL"), "JOHN": ("JACK", "JOHNNY", "JON", "JUAN", "IAN", "SEAN"),
    "MICHAEL": ("MIKE", "MICKEY", "MICK", "MIGUEL"), "JOSEPH": ("JOE", "JOEY", "JO", "JOSE", "PEPE"),
    "ALEXANDER": ("ALEX", "ALEC", "SANDY", "ALEJANDRO", "ALEXANDRE", "XANDER"),
    "ALEXANDRA": ("ALEX", "SANDRA", "SANDY", "ALEJANDRA", "LEXI"), "SUSAN": ("SUE", "SUSIE", "SUZANNE", "SUSANA"),
    "DEBORAH": ("DEB", "DEBBIE", "DEBBY", "DEBORA"), "REBECCA": ("BECKY", "BECCA", "REBECA"),
    "JENNIFER": ("JEN", "JENNY", "JENNI"), "JESSICA": ("JESS", "JESSIE"), "VICTORIA": ("VICKY", "TORI", "VIKI"),
    "DOROTHY": ("DOT", "DOLLY", "DOROTEA"), "ABIGAIL": ("ABBY", "GAIL"), "EMILY": ("EMMA", "EMILIA", "MILLY"),
    "AMANDA": ("MANDY", "AMY"), "CAROLINE": ("CAROL", "CARRIE", "CAROLINA", "CARO"), "ANNE": ("ANN", "ANNIE", "ANA", "ANITA", "NANCY"),
    "MARY": ("MOLLY", "POLLY", "MAE", "MARIA", "MARIE", "MAMIE"), "HELEN": ("NELL", "NELLIE", "ELENA", "HELENA", "LENA"),
    "LOUISE": ("LOU", "LOUISA", "LUISA"), "LOUIS": ("LOU", "LOUIE", "LUIS", "LUCHO"),
    "DANIEL": ("DAN", "DANNY", "DANI"), "DAVID": ("DAVE", "DAVEY", "DAVY"), "THOMAS": ("TOM", "TOMMY", "TOMAS"),
    "PETER": ("PETE", "PEDRO"), "PHILIP": ("PHIL", "PIP", "FELIPE"), "LAWRENCE": ("LARRY", "LAURIE", "LORENZO"),
    "GERALD": ("GERRY", "JERRY"), "JEROME": ("JERRY",), "FRANCIS": ("FRANK", "FRAN", "FRANCISCO", "PACO", "PANCHO"),
    "FRANCES": ("FRAN", "FRANNIE", "FRANCISCA", "PAQUITA"), "CHARLES": ("CHARLIE", "CHUCK", "CHAS", "CARLOS"),
    "EUGENE": ("GENE", "EUGENIO"), "RAYMOND": ("RAY", "RAMON", "RAMONCITO"), "VINCENT": ("VINCE", "VINNY", "VICENTE", "CHENTE"),
    "ISABEL": ("CHABELA", "CHAVELA", "ISA", "BELLA", "ISABELLA"), "JOSEFINA": ("JOSEPHINE", "JOSIE", "FINA", "PEPA"),
    "TERESA": ("TERESITA", "TERE", "THERESA", "TERRY", "TESS"), "MERCEDES": ("MECHE", "MERCHE"),
    "ALEJANDRO": ("ALEX", "ALEJO", "JANDRO"), "ARTURO": ("ARTHUR", "ART", "TURI"), "RAUL": ("RALPH",),
}


def _build_equivalents() -> dict[str, tuple[str, ...]]:
    classes: dict[str, set[str]] = {}
    for groups in (_GROUPS, _MORE):
        for canonical, nicks in groups.items():
            for tok in (canonical, *nicks):
                classes.setdefault(tok, set()).add(canonical)
    return {tok: tuple(sorted(c)) for tok, c in classes.items()}


EQUIVALENTS: dict[str, tuple[str, ...]] = _build_equivalents()


def equivalents(token: str) -> list[str]:
    """The equivalence classes of a folded given name: every group it belongs to (BETO is in
    ALBERTO's, ROBERTO's and HUMBERTO's). Two names are equivalent where their classes meet;
    neither is rewritten, so JOHN stays JOHN and the comparison can weigh exact spelling
    above mere equivalence."""
    return list(EQUIVALENTS.get(token, ()))


def canonical_given(token: str) -> str:
    """The canonical given name of a folded token: PEPE -> JOSE, JOSEPH -> JOSE, ANA -> ANA."""
    return NICKNAMES.get(token, token)
