"""Finnish word lists for believable demo data: people, places, and one group per case of SPEC §1."""

FIRST = ["Aino", "Eero", "Liisa", "Juha", "Maija", "Pekka", "Sanna", "Timo", "Hanna", "Jari", "Katja", "Mikko",
         "Riikka", "Ville", "Outi", "Antti", "Päivi", "Jussi", "Tiina", "Heikki", "Sari", "Kalle", "Elina", "Matti",
         "Minna", "Janne", "Anu", "Petri", "Satu", "Marko", "Laura", "Teemu", "Johanna", "Tuomas", "Emilia", "Olli",
         "Noora", "Sami", "Kirsi", "Jukka", "Helena", "Lauri", "Ulla", "Kari", "Susanna", "Tapio", "Jenni", "Arttu"]
LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
        "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Jääskeläinen", "Kärkkäinen",
        "Räsänen", "Lindqvist", "Öhman", "Åberg", "Kettunen", "Pesonen", "Halonen", "Lehtinen", "Hiltunen",
        "Turunen", "Ahonen", "Laitinen", "Karjalainen", "Rantanen", "Tuominen", "Jokinen", "Savolainen",
        "Leinonen", "Miettinen", "Heikkilä", "Leppänen", "Hakala", "Kinnunen", "Mattila", "Väisänen", "Backman"]

# city: (telephone area code, shop streets with their postal codes, an industrial street, districts)
CITIES = {
    "Helsinki": ("9", [("Mannerheimintie", "00100"), ("Fredrikinkatu", "00120"), ("Hämeentie", "00530"),
                       ("Mechelininkatu", "00250"), ("Itäkatu", "00930"), ("Malminkaari", "00700")],
                 ("Strömbergintie", "00380"), ["Kallio", "Töölö", "Itäkeskus", "Malmi", "Herttoniemi"]),
    "Espoo": ("9", [("Tapiontori", "02100"), ("Leppävaarankatu", "02600"), ("Piispansilta", "02230")],
              ("Juvan teollisuuskatu", "02920"), ["Tapiola", "Leppävaara", "Matinkylä"]),
    "Vantaa": ("9", [("Tikkurilantie", "01300"), ("Myyrmäentie", "01600")], ("Ansatie", "01740"),
               ["Tikkurila", "Myyrmäki", "Koivukylä"]),
    "Tampere": ("3", [("Hämeenkatu", "33100"), ("Kuninkaankatu", "33210"), ("Hatanpään valtatie", "33100"),
                      ("Insinöörinkatu", "33720")], ("Nuolialantie", "33900"), ["Hervanta", "Kaleva", "Lielahti"]),
    "Turku": ("2", [("Yliopistonkatu", "20100"), ("Eerikinkatu", "20100"), ("Humalistonkatu", "20100"),
                    ("Uudenmaankatu", "20500")], ("Lemminkäisenkatu", "20520"), ["Skanssi", "Varissuo", "Hirvensalo"]),
    "Oulu": ("8", [("Kirkkokatu", "90100"), ("Isokatu", "90100"), ("Kauppurienkatu", "90100")],
             ("Kaarnatie", "90530"), ["Kaakkuri", "Linnanmaa", "Tuira"]),
    "Jyväskylä": ("14", [("Kauppakatu", "40100"), ("Väinönkatu", "40100"), ("Vapaudenkatu", "40100")],
                  ("Vasarakatu", "40320"), ["Seppälä", "Palokka", "Kuokkala"]),
    "Kuopio": ("17", [("Puijonkatu", "70100"), ("Haapaniemenkatu", "70100"), ("Savilahdentie", "70210")],
               ("Volttikatu", "70700"), ["Petonen", "Saaristokaupunki"]),
    "Lahti": ("3", [("Aleksanterinkatu", "15110"), ("Rautatienkatu", "15110"), ("Vesijärvenkatu", "15140")],
              ("Ahjokatu", "15800"), ["Karisto", "Laune"]),
    "Pori": ("2", [("Yrjönkatu", "28100"), ("Antinkatu", "28100"), ("Itsenäisyydenkatu", "28100")],
             ("Teollisuuskatu", "28130"), ["Puuvilla", "Herralahti"]),
    "Vaasa": ("6", [("Hovioikeudenpuistikko", "65100"), ("Kauppapuistikko", "65100"), ("Vaasanpuistikko", "65100")],
              ("Runsorintie", "65380"), ["Gerby", "Palosaari"]),
    "Seinäjoki": ("6", [("Kauppakatu", "60100"), ("Koulukatu", "60100"), ("Vapaudentie", "60100")],
                  ("Alakyläntie", "60510"), ["Joupinkangas", "Kasperi"]),
    "Hämeenlinna": ("3", [("Raatihuoneenkatu", "13100"), ("Palokunnankatu", "13100")], ("Tiiriöntie", "13430"),
                    ["Tiiriö", "Jukola"]),
    "Joensuu": ("13", [("Torikatu", "80100"), ("Siltakatu", "80100")], ("Penttilänkatu", "80220"), ["Noljakka"]),
    "Lappeenranta": ("5", [("Kauppakatu", "53100"), ("Valtakatu", "53100")], ("Hyvätie", "53500"),
                     ["Skinnarila", "Sammonlahti"]),
    "Rovaniemi": ("16", [("Koskikatu", "96200"), ("Valtakatu", "96200")], ("Teollisuustie", "96320"), ["Ounasrinne"]),
    "Kokkola": ("6", [("Rantakatu", "67100"), ("Isokatu", "67100")], ("Kemirantie", "67900"), ["Koivuhaka"]),
    "Salo": ("2", [("Vilhonkatu", "24100"), ("Turuntie", "24100")], ("Meriniitynkatu", "24100"), ["Halikko"]),
}
BIG_CITIES = ["Helsinki", "Espoo", "Tampere", "Turku", "Oulu", "Jyväskylä", "Kuopio", "Lahti"]

WORDS = ["Aalto", "Helmi", "Kuura", "Lumo", "Sointu", "Tähti", "Kaneli", "Mustikka", "Ruusu", "Vaahtera", "Kide",
         "Pihlaja", "Sisu", "Tuuli", "Hilla", "Vire", "Onni", "Kielo", "Satu", "Aura", "Kallio", "Myrsky", "Kanerva",
         "Torni", "Satama", "Puisto", "Ranta", "Koivu", "Lakka", "Kardemumma", "Muru", "Sävel", "Tuike", "Ilona"]

# One group per case; "grocery" is the bakery's chain customers (kind chain, outlets below them).
CAFES = ["Kahvila {}", "Café {}", "Kahvila-Konditoria {}", "Ravintola {}", "Lounasravintola {}", "Bistro {}",
         "Leipomokahvila {}"]
SALONS = ["Parturi-Kampaamo {}", "Hiusstudio {}", "Kampaamo {}", "Hiussalonki {}", "Parturi {}"]
MACHINES = ["Konepaja {} Oy", "{} Machinery Oy", "Metallityö {} Oy", "Koneistamo {} Oy", "{} Automation Oy",
            "{}-Tekniikka Oy"]
RESELLERS = ["Sisustusliike {}", "Designpuoti {}", "Lahjapuoti {}", "Kodin {} Oy", "Putiikki {}", "Museokauppa {}"]
CHAINS = ["Herkkumarket", "Lähikauppa Kotimaa", "Ruokapiste"]
PATTERNS = {"cafe": CAFES, "salon": SALONS, "machine": MACHINES, "reseller": RESELLERS}

# The machine shop exports 70-80 %: a few of its customers are abroad (name, street, postal code, city, country, phone).
FOREIGN = [
    ("Sandberg Maskin AB", "Importgatan 12", "422 46", "Hisings Backa", "SE", "+46 31 55 12 00"),
    ("Lindqvist Industri AB", "Verkstadsgatan 5", "721 30", "Västerås", "SE", "+46 21 41 80 00"),
    ("Müller Maschinenbau GmbH", "Industriestraße 21", "70565", "Stuttgart", "DE", "+49 711 7820 100"),
    ("Nordvik Mekaniske AS", "Sluppenveien 8", "7037", "Trondheim", "NO", "+47 73 80 45 00"),
    ("Van Dijk Machinefabriek B.V.", "Industrieweg 14", "5683 CG", "Best", "NL", "+31 499 37 21 00"),
    ("Tallinna Masinatehas AS", "Peterburi tee 46", "11415", "Tallinn", "EE", "+372 620 3300"),
]
FOREIGN_PEOPLE = {  # country: (first names, last names)
    "SE": (["Anna", "Erik", "Lars", "Karin", "Johan"], ["Lindberg", "Johansson", "Nilsson", "Berg", "Ekström"]),
    "DE": (["Klaus", "Sabine", "Jürgen", "Katrin"], ["Weber", "Hoffmann", "Schneider", "Becker"]),
    "NO": (["Ole", "Ingrid", "Magnus", "Silje"], ["Hansen", "Berg", "Dahl", "Solberg"]),
    "NL": (["Pieter", "Sanne", "Daan", "Eva"], ["de Vries", "Bakker", "Visser", "Jansen"]),
    "EE": (["Kadri", "Andrus", "Mari", "Toomas"], ["Tamm", "Kask", "Saar", "Mägi"]),
}

ROLES = ["ostaja", "omistaja", "myymäläpäällikkö", "keittiöpäällikkö", "hankintapäällikkö", "toimitusjohtaja",
         "salongin omistaja", "tuotantopäällikkö"]
GROUP_ROLES = {
    "cafe": ["omistaja", "ravintolapäällikkö", "keittiöpäällikkö", "vuoropäällikkö", "ostaja"],
    "grocery": ["kauppias", "myymäläpäällikkö", "tuoretiskin vastaava", "ostaja"],
    "chain": ["valikoimapäällikkö", "kategoriapäällikkö", "ostaja", "logistiikkapäällikkö"],
    "salon": ["salongin omistaja", "kampaaja", "parturi-kampaaja", "vastaava kampaaja"],
    "machine": ["ostaja", "hankintapäällikkö", "tuotantopäällikkö", "laatupäällikkö", "toimitusjohtaja",
                "suunnittelija", "ostoinsinööri"],
    "reseller": ["omistaja", "myymäläpäällikkö", "ostaja", "myyjä"],
}
PREFERRED = ["ti aamupäivisin, puhelin", "sähköposti, ei maanantaisin", "käynti torstaisin klo 9–11",
             "puhelin iltapäivisin", "tekstiviesti ensin", "ke tai to, käynti", "sähköposti ostajalle", None, None, None]
CUSTOMER_NOTES = ["Lastauslaituri takapihalla, soita ovikelloa.", "Maksuaika 14 pv netto.",
                  "Toivoo toimitukset ennen klo 10.", "Omistaja paikalla aamuisin.",
                  "Kilpailija käynyt tarjoamassa halvempaa.", "Laskut verkkolaskuna.", None, None, None, None]

PURPOSES = {
    "cafe": ["maistatus", "kausituotteiden esittely", "tilauksen läpikäynti", "toimituspalaute", "joulusesongin tilaukset"],
    "grocery": ["hyllypaikan tarkistus", "kampanjasuunnittelu", "tilauksen läpikäynti", "toimituspalaute"],
    "salon": ["uutuussarjan esittely", "värikoulutus", "tilauksen läpikäynti", "kampanja-aineiston vienti"],
    "machine": ["tarjouksen läpikäynti", "piirustusten tarkistus", "laatupoikkeaman käsittely",
                "vuosisopimusneuvottelu", "koesarjan palaute"],
    "reseller": ["uutuusmalliston esittely", "palautteen keruu", "esillepanon tarkistus", "joulusesonki"],
}
TYPES = {"cafe": ["visit"] * 5 + ["call"] * 3 + ["email"], "grocery": ["visit"] * 4 + ["meeting", "call"],
         "salon": ["visit"] * 3 + ["call"] * 4 + ["training"], "machine": ["meeting"] * 3 + ["visit", "call", "email"],
         "reseller": ["visit"] * 3 + ["call", "email", "meeting"]}
NOTES = {
    "cafe": ["Maistettiin mustikka- ja sitruunakakkua, sitruuna meni paremmin.", "Kysyivät gluteenitonta vaihtoehtoa.",
             "Pakkaus oli kolhiintunut viime toimituksessa, muuten tyytyväisiä.", "Uusi keittiöpäällikkö aloittanut."],
    "grocery": ["Hyllypaikka siirtyi kylmäaltaan päätyyn.", "Menekki hyvä viikonloppuisin.",
                "Kampanjaviikko suunniteltu, hinta-alennus 15 %.", "Päiväysvaihtoon toivotaan lyhyempää toimitusväliä."],
    "salon": ["Uusi hoitosarja kiinnosti, kolme kampaajaa mukana.", "Värisävyistä kysytty vaaleampaa blondia.",
              "Myynti hiljaista, kampanja-aineistoa toivotaan.", "Salonki remontoi kevään aikana."],
    "machine": ["Käytiin läpi piirustusrevisio C, toleranssit kiristyvät.", "Toimitusaika kriittinen, vienti Ruotsiin.",
                "Laadusta positiivista palautetta, pintakäsittely parantunut.", "Kysyivät tarjousta 200 kpl erästä."],
    "reseller": ["Asiakkaat kyselleet isompaa kokoa maljakosta.", "Villapeitot myyneet hyvin, väritoiveena vihreä.",
                 "Esillepano ikkunassa, kuvat lähetetty markkinointiin.", "Idea: lahjapakkaus yritysasiakkaille."],
}
OUTCOMES = ["Tilasi kokeilueran.", "Harkitsee, palataan ensi viikolla.", "Tyytyväinen toimitukseen.",
            "Hinta liian korkea, tarjotaan määräalennusta.", "Uusi tilaus tulossa kuun lopussa.",
            "Sovittiin vuosisopimuksen jatkosta.", "Ei tarvetta juuri nyt."]
NEXT_STEPS = ["Soita perjantaina.", "Lähetä tarjous sähköpostilla.", "Vie näytteet ensi käynnillä.",
              "Sovi koulutuspäivä.", "Tarkista toimitusaika tehtaalta.", None]
CANCELLED = ["Asiakas perui: sairastuminen.", "Siirretty, kiireinen viikko.", "Peruttu kelin takia.",
             "Ostaja lomalla, sovitaan uusi aika."]

PRODUCTS = {
    "cafe": [("Juustokakku mustikka 12 palaa", "32.00"), ("Juustokakku sitruuna-lime 12 palaa", "32.00"),
             ("Juustokakku suklaa 12 palaa", "34.00"), ("Minijuustokakut 24 kpl", "38.50"),
             ("Vegaaninen juustokakku 10 palaa", "36.00")],
    "salon": [("Shampoo kosteuttava 1 l", "18.90"), ("Hoitoaine 1 l", "19.90"), ("Hiusväri 60 ml", "7.80"),
              ("Vaalennusjauhe 500 g", "29.00"), ("Muotoiluvaha 100 ml", "11.50"), ("Lämpösuojasuihke 200 ml", "12.40")],
    "machine": [("Akseli CNC 40 mm", "145.00"), ("Laakeripesä LP-80", "89.00"), ("Hammaspyörä M3 z40", "62.50"),
                ("Hitsattu runko-osa", "420.00"), ("Laippa DN100", "38.00"), ("Koneistettu kiinnike", "24.50")],
    "reseller": [("Maljakko, puhallettu lasi", "39.00"), ("Villapeitto 130x170", "89.00"),
                 ("Kynttilänjalka, messinki", "29.00"), ("Tarjoiluastia, tammi", "45.00"), ("Juliste 50x70", "19.00")],
}
PRODUCTS["grocery"] = PRODUCTS["cafe"]
TASKS = {
    "complaint": {"cafe": "Reklamaatio: kakku vaurioitunut kuljetuksessa", "grocery": "Reklamaatio: lyhyt päiväys",
                  "salon": "Reklamaatio: väärä sävy toimitettu", "machine": "Reklamaatio: mittapoikkeama akselissa",
                  "reseller": "Reklamaatio: rikkoutunut maljakko"},
    "sample_order": {"cafe": "Näytteet: vegaaninen juustokakku", "grocery": "Näytteet: kausikakku kampanjaan",
                     "salon": "Näytteet: uusi hoitosarja", "machine": "Koesarja 5 kpl uudella piirustuksella",
                     "reseller": "Näytteet: kevätmallisto"},
    "spare_part": {"machine": "Varaosa: laakeripesä LP-80"},
    "info": {"*": "Lähetä hinnasto 2027"},
}
