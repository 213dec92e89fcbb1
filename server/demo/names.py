"""Finnish word lists for believable demo data."""

FIRST = ["Aino", "Eero", "Liisa", "Juha", "Maija", "Pekka", "Sanna", "Timo", "Hanna", "Jari", "Katja", "Mikko",
         "Riikka", "Ville", "Outi", "Antti", "Päivi", "Jussi", "Tiina", "Heikki", "Sari", "Kalle", "Elina", "Matti"]
LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
        "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Jääskeläinen", "Kärkkäinen",
        "Räsänen", "Lindqvist", "Öhman", "Åberg", "Kettunen", "Pesonen", "Halonen"]
CITIES = [("Helsinki", "00100"), ("Espoo", "02100"), ("Tampere", "33100"), ("Turku", "20100"), ("Oulu", "90100"),
          ("Jyväskylä", "40100"), ("Kuopio", "70100"), ("Lahti", "15100"), ("Pori", "28100"), ("Vaasa", "65100"),
          ("Seinäjoki", "60100"), ("Hämeenlinna", "13100"), ("Joensuu", "80100"), ("Lappeenranta", "53100"),
          ("Rovaniemi", "96100"), ("Kouvola", "45100"), ("Mikkeli", "50100"), ("Ähtäri", "63700")]
STREETS = ["Hämeenkatu", "Kauppakatu", "Aleksanterinkatu", "Rautatienkatu", "Kirkkokatu", "Puistokatu",
           "Teollisuustie", "Satamakatu", "Koulukatu", "Asemakatu", "Väinönkatu", "Yliopistonkatu", "Tehtaankatu"]

# (kind of business, name patterns, stage weights): one group per case in SPEC §1
CAFES = ["Kahvila {}", "Café {}", "Leipomo-Kahvila {}", "Ravintola {}", "Konditoria {}"]
SALONS = ["Parturi-Kampaamo {}", "Hiusstudio {}", "Kauneushoitola {}", "Salonki {}"]
MACHINES = ["Konepaja {} Oy", "{} Machinery Oy", "Metallityö {} Oy", "{} Automation Oy"]
RESELLERS = ["Sisustus {}", "Design-myymälä {}", "Lahjapuoti {}", "Kodin {}"]
WORDS = ["Aalto", "Helmi", "Kuura", "Lumo", "Sointu", "Tähti", "Kaneli", "Mustikka", "Ruusu", "Vaahtera", "Kide",
         "Pihlaja", "Sisu", "Tuuli", "Hilla", "Vire", "Onni", "Kielo", "Satu", "Aura", "Kallio", "Myrsky"]
CHAINS = ["Herkkumarket", "Lähikauppa Kotimaa", "Ruokapiste"]

ROLES = ["ostaja", "omistaja", "myymäläpäällikkö", "keittiöpäällikkö", "hankintapäällikkö", "toimitusjohtaja",
         "salongin omistaja", "tuotantopäällikkö"]
PREFERRED = ["ti aamupäivisin, puhelin", "sähköposti, ei maanantaisin", "käynti torstaisin klo 9-11",
             "puhelin iltapäivisin", "tekstiviesti ensin", None, None]
PURPOSES = ["maistatus", "tilauksen läpikäynti", "uutuuksien esittely", "reklamaation käsittely", "vuosisopimus",
            "koulutus", "kausituotteet", "huoltokäynti"]
OUTCOMES = ["Tilasi kokeilueran.", "Harkitsee, palataan ensi viikolla.", "Tyytyväinen toimitukseen.",
            "Hinta liian korkea, tarjotaan määräalennusta.", "Uusi tilaus tulossa kuun lopussa."]
NEXT_STEPS = ["Soita perjantaina.", "Lähetä tarjous sähköpostilla.", "Vie näytteet ensi käynnillä.",
              "Sovi koulutuspäivä.", None]
PRODUCTS = {
    "cafe": [("Juustokakku, mustikka", "24.90"), ("Juustokakku, sitruuna", "24.90"), ("Minijuustokakut 12 kpl", "18.50")],
    "salon": [("Hoitoaine 1 l", "19.90"), ("Shampoo 1 l", "17.50"), ("Hiusväri", "8.40"), ("Muotoiluvaha", "12.00")],
    "machine": [("Akseli CNC 40 mm", "145.00"), ("Laakeripesä", "89.00"), ("Hammaspyörä M3", "62.50")],
    "reseller": [("Maljakko, lasi", "39.00"), ("Villapeitto", "89.00"), ("Kynttilänjalka", "29.00")],
}
