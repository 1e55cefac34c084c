"""Word pools the synthetic world draws from: names, nicknames, places, companies, goods.

Common names of each country, listed by hand. Order matters: draws use Zipf-like weights, so
the first entries are the most frequent, as García and Hernández are in Mexico.
"""

from __future__ import annotations

MX_GIVEN_M = (
    "José", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Francisco", "Jorge", "Alejandro", "Antonio",
    "Manuel", "Pedro", "Ricardo", "Eduardo", "Fernando", "Roberto", "Javier", "Daniel", "Sergio", "Raúl",
    "Arturo", "Rafael", "Héctor", "Martín", "Guillermo", "Enrique", "Alberto", "Ignacio", "Víctor", "Óscar",
    "Gerardo", "Mario", "Ramón", "Salvador", "Andrés", "Gabriel", "Julio", "Rubén", "Alfredo", "Adrián",
    "Joaquín", "Ismael", "Ángel", "Rodolfo", "Gustavo", "Ernesto", "Hugo", "Armando", "Iván", "Efraín",
)
MX_GIVEN_F = (
    "María", "Guadalupe", "Juana", "Margarita", "Verónica", "Leticia", "Rosa", "Patricia", "Elizabeth", "Alejandra",
    "Gabriela", "Adriana", "Claudia", "Silvia", "Martha", "Laura", "Ana", "Teresa", "Sandra", "Araceli",
    "Gloria", "Norma", "Lucía", "Mónica", "Yolanda", "Isabel", "Dolores", "Rocío", "Beatriz", "Alicia",
    "Carmen", "Sofía", "Fernanda", "Mariana", "Daniela", "Concepción", "Rosario", "Soledad", "Refugio", "Irma",
)
MX_SURNAMES = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Cruz",
    "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres", "Díaz", "Gutiérrez", "Ruiz",
    "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez", "Rivera",
    "Juárez", "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz",
    "Rojas", "Contreras", "Salazar", "Luna", "Ortega", "Santiago", "Guerrero", "Bautista", "Estrada", "Cortés",
    "Soto", "Alvarado", "Espinoza", "Lara", "Ríos", "Núñez", "Delgado", "Valdez", "Cervantes", "Ibarra",
    "Carrillo", "Camacho", "Navarro", "Sandoval", "Rosales", "Pacheco", "Montes", "Zúñiga", "Fuentes", "Acosta",
    "Beltrán", "Quintero", "Félix", "Treviño", "Cárdenas", "Osuna", "Elizondo", "Garza", "Villarreal", "Cantú",
    "Salinas", "Cisneros", "Ochoa", "Tapia", "Escobedo", "Barajas", "Meza", "Lozano", "Saucedo", "Valenzuela",
    "Leyva", "Rentería", "Peña", "León", "Molina", "Figueroa", "Campos", "Vega", "Silva", "Solís",
    "Serrano", "Benítez", "Robles", "Miranda", "Ávila", "Márquez", "Trejo", "Zamora", "Arias", "Padilla",
    "Bravo", "Galindo", "Orozco", "Pineda", "Esquivel", "Quiñónez", "De la Cruz", "Del Ángel", "Ibáñez", "Olvera",
)
US_GIVEN_M = (
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas", "Christopher",
    "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Andrew", "Paul", "Joshua",
    "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Jason", "Edward", "Jeffrey", "Ryan",
)
US_GIVEN_F = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
    "Lisa", "Nancy", "Betty", "Sandra", "Margaret", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
    "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia", "Amy",
)
US_SURNAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
    "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker",
    "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
    "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed",
    "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks",
    "Nguyen", "Kim", "Patel", "Lee", "Tran", "Sullivan", "Foster", "Jenkins", "Perry", "Russell",
)
# Given name -> nickname or English form seen in US records of Mexican-born people.
NICKNAMES = {
    "José": "Pepe", "Francisco": "Pancho", "Guadalupe": "Lupe", "Jesús": "Chuy", "Ignacio": "Nacho",
    "Roberto": "Beto", "Alberto": "Beto", "Alejandro": "Alex", "Eduardo": "Lalo", "Enrique": "Kike",
    "Guillermo": "Memo", "Rafael": "Rafa", "Manuel": "Manny", "Antonio": "Tony", "Ricardo": "Rick",
    "Juan": "John", "Miguel": "Mike", "Javier": "Xavier", "Luis": "Louie", "Margarita": "Margie",
    "Dolores": "Lola", "Concepción": "Conchita", "Rosario": "Chayo", "Soledad": "Chole", "Refugio": "Cuca",
    "Isabel": "Chabela", "Alejandra": "Alex", "Teresa": "Tere", "Pedro": "Peter", "Jorge": "George",
    "Daniel": "Danny", "Fernando": "Fer", "Ramón": "Moncho", "Salvador": "Chava", "Gabriela": "Gaby",
    "Patricia": "Paty", "María": "Mary", "Carlos": "Charlie", "Sergio": "Checo", "Arturo": "Arthur",
}
ALIASES = (
    "El Güero", "El Flaco", "El Gordo", "La Güera", "El Contador", "El Ingeniero", "El Compa", "El Chino",
    "El Negro", "El Pelón", "El Tío", "El Pariente", "El Licenciado", "El Tigre", "El Toro", "El Mudo",
    "El Chuy", "El Tacho", "El Güerito", "El Cholo", "La Jefa", "El Primo", "El Vaquero", "El Doctor",
    "El Zurdo", "El Cuervo", "El Pollo", "El Gato", "El Jaguar", "El Profe", "El Charro", "La Tía",
)

# (state, postal code, weight, cities). Weights favour the border states, where the activity is.
US_STATES = (
    ("Texas", "TX", 14, ("Houston", "San Antonio", "Dallas", "El Paso", "Laredo", "McAllen", "Brownsville", "Austin")),
    ("California", "CA", 14, ("Los Angeles", "San Diego", "Chula Vista", "Calexico", "Fresno", "Riverside", "Santa Ana")),
    ("Arizona", "AZ", 6, ("Phoenix", "Tucson", "Nogales", "Yuma", "Mesa", "Douglas")),
    ("New Mexico", "NM", 2, ("Albuquerque", "Las Cruces", "Deming", "Santa Fe")),
    ("Illinois", "IL", 5, ("Chicago", "Aurora", "Joliet", "Cicero")),
    ("New York", "NY", 6, ("New York", "Bronx", "Brooklyn", "Queens", "Yonkers")),
    ("Georgia", "GA", 4, ("Atlanta", "Gainesville", "Dalton", "Norcross")),
    ("North Carolina", "NC", 4, ("Charlotte", "Raleigh", "Durham", "Greensboro")),
    ("Florida", "FL", 6, ("Miami", "Orlando", "Tampa", "Homestead", "Hialeah")),
    ("Colorado", "CO", 2, ("Denver", "Aurora", "Greeley")),
    ("Nevada", "NV", 2, ("Las Vegas", "Reno", "Henderson")),
    ("Washington", "WA", 2, ("Seattle", "Yakima", "Tacoma")),
    ("Oklahoma", "OK", 1, ("Oklahoma City", "Tulsa")),
    ("Tennessee", "TN", 2, ("Nashville", "Memphis")),
    ("Pennsylvania", "PA", 3, ("Philadelphia", "Pittsburgh", "Reading")),
    ("Ohio", "OH", 3, ("Columbus", "Cleveland", "Cincinnati")),
    ("New Jersey", "NJ", 3, ("Newark", "Jersey City", "Paterson")),
    ("Massachusetts", "MA", 2, ("Boston", "Lawrence", "Springfield")),
)
BORDER_US = ("TX", "CA", "AZ", "NM")
# (state as Mexican records write it, weight, cities)
MX_STATES = (
    ("Ciudad de México", 9, ("Cuauhtémoc", "Iztapalapa", "Benito Juárez", "Coyoacán")),
    ("Jalisco", 7, ("Guadalajara", "Zapopan", "Tlaquepaque", "Puerto Vallarta")),
    ("Nuevo León", 6, ("Monterrey", "San Nicolás de los Garza", "Apodaca", "Guadalupe")),
    ("Estado de México", 10, ("Ecatepec", "Naucalpan", "Toluca", "Nezahualcóyotl")),
    ("Baja California", 4, ("Tijuana", "Mexicali", "Ensenada", "Tecate")),
    ("Chihuahua", 4, ("Ciudad Juárez", "Chihuahua", "Ojinaga")),
    ("Sonora", 3, ("Hermosillo", "Nogales", "San Luis Río Colorado", "Agua Prieta")),
    ("Tamaulipas", 4, ("Reynosa", "Nuevo Laredo", "Matamoros", "Tampico")),
    ("Sinaloa", 3, ("Culiacán", "Mazatlán", "Los Mochis", "Guasave")),
    ("Coahuila", 3, ("Saltillo", "Torreón", "Piedras Negras", "Ciudad Acuña")),
    ("Michoacán", 4, ("Morelia", "Uruapan", "Lázaro Cárdenas", "Apatzingán")),
    ("Guanajuato", 5, ("León", "Irapuato", "Celaya", "Salamanca")),
    ("Colima", 1, ("Manzanillo", "Colima", "Tecomán")),
    ("Durango", 2, ("Durango", "Gómez Palacio")),
    ("Puebla", 5, ("Puebla", "Tehuacán")),
    ("Veracruz", 6, ("Veracruz", "Xalapa", "Coatzacoalcos")),
    ("Guerrero", 3, ("Acapulco", "Chilpancingo", "Iguala")),
    ("Zacatecas", 1, ("Zacatecas", "Fresnillo")),
    ("Querétaro", 2, ("Querétaro", "San Juan del Río")),
)
STREETS_MX = ("Av. Juárez", "Calle Hidalgo", "Blvd. Díaz Ordaz", "Av. Revolución", "Calle Morelos", "Av. Insurgentes",
              "Calle 5 de Mayo", "Av. Constitución", "Calle Zaragoza", "Blvd. Agua Caliente", "Av. Reforma")
STREETS_US = ("Main St", "Oak Ave", "Elm St", "Border Ave", "Mesa Dr", "Palm Blvd", "Santa Fe Ave", "Market St",
              "Cesar Chavez Blvd", "Mission Rd", "Grand Ave", "Washington St")

MX_CO_PREFIX = ("Comercializadora", "Distribuidora", "Transportes", "Servicios", "Grupo", "Importadora",
                "Exportadora", "Agroindustrias", "Inmobiliaria", "Constructora", "Logística", "Autotransportes")
MX_CO_CORE = ("del Norte", "del Pacífico", "Sierra Madre", "Río Bravo", "del Golfo", "Las Palmas", "San Miguel",
              "Santa Fe", "Azteca", "Continental", "Internacional", "Regiomontana", "de Occidente", "del Bajío",
              "Altamira", "Cuauhtémoc", "Anáhuac", "La Esperanza", "El Mirador", "Tres Ríos", "Valle Verde")
MX_CO_SUFFIX = ("S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V.")
US_CO_CORE = ("Rio Grande", "Border", "Lone Star", "Desert", "Southwest", "Pacific", "Gulf Coast", "Frontier",
              "Mesa", "Sunbelt", "Alamo", "Saguaro", "Pecos", "Sierra", "Coronado", "Bluebonnet", "Canyon", "Eagle")
US_CO_KIND = ("Logistics", "Trading", "Imports", "Produce", "Auto Sales", "Distributors", "Supply", "Freight",
              "Electronics", "Foods", "Chemicals", "Holdings")
US_CO_SUFFIX = ("LLC", "Inc.", "Corp.", "LP")
THIRD_CO = (("PAN", "Inversiones", "Panamá S.A."), ("HKG", "Pacific Rim Trading", "Limited"),
            ("CHN", "Jiangsu Huayang Chemical", "Co., Ltd."), ("COL", "Comercial Andina", "S.A.S."),
            ("GTM", "Importaciones del Sur", "S.A."), ("IND", "Shree Ganesh Chemicals", "Pvt. Ltd."))

# (bank, first eight digits of a made-up ABA routing number; the ninth is its check digit)
US_BANKS = (("First Border National Bank", "11490017"), ("Lone Star Community Bank", "11192033"),
            ("Pacific Coast Bank", "12208451"), ("Metro National Bank", "02130078"),
            ("Desert Federal Credit Union", "12211604"))
MX_BANKS = (("Banco del Norte", "072"), ("Banco Mercantil del Pacífico", "012"), ("Banco Azteca del Centro", "127"),
            ("Banco Regional de Monterrey", "058"))
MSB_NAME = "Remesas Express LLC"
