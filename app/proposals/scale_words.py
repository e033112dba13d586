"""Dutch names and words for the scale data (app/proposals/scale.py)."""

NEW_NEIGHBOURHOODS = ("Goverwelle", "Kort Haarlem", "Oosterwei", "Plaswijck", "Achterwillens")
STREETS = ("Lindelaan", "Eikenhof", "Kastanjestraat", "Beukenrode", "Wilgenpad", "Populierenweg")
FIRST_NAMES = (
    "Anna", "Daan", "Fatima", "Henk", "Ilse", "Jan", "Kees", "Lotte", "Mila", "Noah",
    "Priya", "Ruben", "Sara", "Tim", "Yusuf", "Zeynep", "Bram", "Emma", "Sem", "Lieke",
)  # fmt: skip
LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
    "Yilmaz", "El Idrissi", "de Boer", "Mulder", "Bos", "Vos", "Peters", "Hendriks",
)  # fmt: skip
ADJECTIVES = ("Meer", "Nieuwe", "Betere", "Extra", "Groene", "Veilige", "Mooie", "Grotere")
THINGS = (
    "bankjes", "bloembakken", "speeltoestellen", "lantaarnpalen", "fietsenrekken",
    "afvalbakken", "moestuinen", "bomen", "picknicktafels", "watertappunten", "nestkastjes",
    "jeu-de-boulesbanen", "zitplekken", "geveltuinen", "boekenkastjes", "buitenfitness",
)  # fmt: skip
PLACES = (
    "bij de speeltuin", "op het plein", "langs de singel", "achter de flat", "bij het buurthuis",
    "aan het water", "bij de school", "in de hofjes", "bij de bushalte", "op het grasveld",
)  # fmt: skip
SENTENCES = (
    "Nu is het daar vaak rommelig en donker.",
    "Veel buren zeggen dat ze er graag samen iets van willen maken.",
    "Kinderen spelen er elke dag, maar er is weinig te doen.",
    "Ouderen zouden er graag even willen zitten.",
    "Wij willen zelf helpen met het onderhoud.",
    "Het maakt de buurt schoner en gezelliger.",
    "De woningcorporatie kan misschien het materiaal betalen.",
    "Op zaterdag kunnen we het met een groep vrijwilligers aanleggen.",
    "Zo leren buren elkaar beter kennen.",
    "Er gebeuren nu soms vervelende dingen als het donker is.",
)
# Most ideas are public; the rest show that the list filters them out.
