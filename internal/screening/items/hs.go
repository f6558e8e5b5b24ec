package items

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening/glyphs"
)

// hsRow is one row of Surety's own short table of the Harmonized System
// (HS 2022): a chapter (2 digits), heading (4) or subheading (6), what it
// covers in a few plain words, and the keywords of item descriptions that
// point at it, separated by "|". A keyword is one or more words, matched
// after folding plurals; a keyword written with a leading "~" is weak: a
// material, a use or a word too general to name the goods alone (steel,
// cotton, machine), which never calls a mismatch by itself. A keyword listed
// under several rows points at all of them, and its first row says what it
// describes.
//
// The table is not the nomenclature: it holds every chapter, and only the
// headings that controlled items, the DPRK's usual exports and common
// declarations need. Chapter 77 is reserved in the HS and holds nothing.
type hsRow struct{ code, desc, words string }

var hsTable = []hsRow{
	{"01", "live animals", "live animal|livestock|live cattle|live horse|live pig|live poultry|live sheep|live goat|horse|donkey|mule|cattle"},
	{"02", "meat and edible offal", "meat|beef|pork|mutton|lamb meat|goat meat|horse meat|chicken meat|poultry meat|offal|frozen chicken"},
	{"03", "fish, crustaceans and molluscs", "fish|fish fillet|frozen fish|fresh fish|dried fish|crab|shrimp|prawn|lobster|clam|oyster|mussel|scallop|squid|octopus|cuttlefish|sea cucumber|sea urchin|abalone|pollock|pollack|cod|salmon|tuna|mackerel|anchovy|herring|eel|crab meat|seafood|fish meat|~meat|~flour"},
	{"0302", "fresh or chilled fish", "fresh fish|chilled fish"},
	{"0303", "frozen fish", "frozen fish"},
	{"0306", "crustaceans", "crab|shrimp|prawn|lobster|crab meat"},
	{"0307", "molluscs", "clam|oyster|mussel|scallop|squid|octopus|cuttlefish|abalone|sea snail"},
	{"04", "dairy produce, eggs and honey", "milk|milk powder|butter|cheese|yoghurt|yogurt|egg|honey|dairy product|whey"},
	{"05", "other products of animal origin", "animal hair|bristle|bone meal|animal gut|deer antler|antler|feather|down feather|human hair"},
	{"06", "live plants and cut flowers", "live plant|cut flower|flower|seedling|sapling|nursery stock|flower bulb"},
	{"07", "vegetables", "vegetable|potato|cabbage|onion|garlic|mushroom|pine mushroom|carrot|radish|cucumber|spinach|tomato|bean|pea|pepper|bracken|fern brake"},
	{"0709", "other fresh vegetables, including mushrooms", "fresh mushroom"},
	{"0712", "dried vegetables", "dried vegetable|dried mushroom|dried bracken"},
	{"08", "fruit and nuts", "fruit|apple|pear|peach|grape|citrus|orange|tangerine|banana|persimmon|jujube|walnut|chestnut|pine nut|almond|hazelnut|nut|lime|lemon|berry|blueberry"},
	{"09", "coffee, tea and spices", "coffee|tea|green tea|black tea|spice|pepper|cinnamon|ginger|cardamom|saffron|vanilla|tea bag"},
	{"0901", "coffee", "coffee|coffee bean"},
	{"0902", "tea", "tea|green tea|black tea|tea bag"},
	{"10", "cereals", "rice|wheat|maize|corn|barley|oat|sorghum|millet|buckwheat|cereal|~grain"},
	{"1001", "wheat", "wheat"},
	{"1005", "maize", "maize|corn"},
	{"1006", "rice", "rice"},
	{"11", "flour, malt and starch", "flour|wheat flour|rice flour|starch|corn starch|potato starch|malt|~cereal|~wheat"},
	{"12", "oil seeds, medicinal plants and seaweed", "soybean|soya bean|soy bean|sesame|sesame seed|groundnut|peanut|sunflower seed|rapeseed|linseed|ginseng|red ginseng|seaweed|laver|kelp|medicinal herb|medicinal plant|hop|fodder|hay|sowing seed|~seed|ground nut|sugar beet|sugar cane|~flour|~cereal|~nut|~fruit|~sugar|~bean"},
	{"1201", "soya beans", "soybean|soya bean|soy bean"},
	{"1211", "plants used in medicine or perfumery, including ginseng", "ginseng|red ginseng|medicinal herb|medicinal plant"},
	{"1212", "seaweed and other algae", "seaweed|laver|kelp|algae"},
	{"13", "gums, resins and plant extracts", "gum arabic|natural resin|plant extract|pectin|agar|ginseng extract|~resin|~vegetable"},
	{"1302", "vegetable saps and extracts", "plant extract|ginseng extract|pectin|agar"},
	{"14", "vegetable plaiting materials", "plaiting material|raw bamboo|raw rattan|~bamboo|~rattan|~vegetable"},
	{"15", "animal and vegetable fats and oils", "vegetable oil|soybean oil|soya oil|palm oil|sunflower oil|olive oil|sesame oil|corn oil|rapeseed oil|cooking oil|edible oil|fish oil|cod liver oil|animal fat|lard|tallow|margarine|~oil|~fat|wool grease|~vegetable"},
	{"1504", "fish oils", "fish oil|cod liver oil"},
	{"1507", "soya-bean oil", "soybean oil|soya oil"},
	{"1515", "other vegetable oils, including sesame oil", "sesame oil|corn oil"},
	{"16", "preparations of meat and fish", "sausage|ham|canned meat|canned fish|canned crab|canned seafood|fish cake|caviar|meat extract|~canned|~meat|~juice"},
	{"1604", "prepared or preserved fish", "fish|canned fish|fish cake|caviar"},
	{"1605", "prepared or preserved crustaceans and molluscs", "crab|shrimp|prawn|lobster|crab meat|canned crab|canned seafood|clam|oyster|mussel|scallop|squid|octopus|abalone"},
	{"17", "sugar and confectionery", "sugar|cane sugar|candy|sweet|confectionery|chewing gum|molasses"},
	{"18", "cocoa and chocolate", "cocoa|cocoa bean|cocoa butter|chocolate"},
	{"19", "cereal preparations and bakery products", "biscuit|bread|noodle|instant noodle|pasta|cake|cracker|rice cracker|cookie|breakfast cereal|cornflake|~cereal"},
	{"20", "preparations of vegetables, fruit and nuts", "kimchi|jam|fruit juice|vegetable juice|juice|pickle|pickled vegetable|canned fruit|canned vegetable|tomato paste|peanut butter|fruit|vegetable|~nut"},
	{"2005", "other prepared vegetables", "kimchi|pickled vegetable|canned vegetable"},
	{"2009", "fruit and vegetable juices", "fruit juice|vegetable juice|juice"},
	{"21", "miscellaneous food preparations", "soy sauce|sauce|soup|ice cream|yeast|seasoning|food supplement|instant coffee|coffee extract|tea extract|ginseng tea|coffee|tea|ginseng|~flour"},
	{"2101", "extracts of coffee and tea", "instant coffee|coffee extract|tea extract|coffee|tea"},
	{"2106", "food preparations not elsewhere specified", "food supplement|ginseng tea|tea|ginseng"},
	{"22", "beverages, spirits and vinegar", "beer|wine|rice wine|soju|liquor|spirit|whisky|whiskey|vodka|brandy|mineral water|drinking water|soft drink|beverage|vinegar|ethyl alcohol|alcohol|grape must|~grape"},
	{"2203", "beer", "beer"},
	{"2208", "spirits and liqueurs", "soju|liquor|whisky|whiskey|vodka|brandy"},
	{"23", "food residues and animal feed", "animal feed|fish meal|oil cake|soybean meal|bran|pet food|fodder|~feed|~flour"},
	{"2301", "meal of meat or fish", "fish meal"},
	{"24", "tobacco", "tobacco|cigarette|cigar|tobacco leaf"},
	{"2402", "cigars and cigarettes", "cigarette|cigar"},
	{"25", "salt, sulphur, stone, lime and cement", "salt|sea salt|sulphur|sulfur|cement|lime|limestone|gypsum|sand|gravel|marble|granite|magnesite|magnesia|magnesium oxide|talc|natural graphite|graphite|clay|kaolin|quartz|mica|fluorspar|dolomite|asbestos|crushed stone"},
	{"2501", "salt", "salt|sea salt"},
	{"2504", "natural graphite", "natural graphite|graphite"},
	{"2519", "magnesite and magnesia", "magnesite|magnesia|magnesium oxide|magnesia clinker"},
	{"2523", "cement", "portland cement"},
	{"26", "ores, slag and ash", "ore|ore concentrate|metal ore|slag|~concentrate|~niobium|~tantalum|~vanadium"},
	{"2601", "iron ores and concentrates", "iron ore|iron concentrate|magnetite ore|hematite|iron ore pellet"},
	{"2602", "manganese ores", "manganese ore"},
	{"2603", "copper ores and concentrates", "copper ore|copper concentrate"},
	{"2604", "nickel ores", "nickel ore"},
	{"2605", "cobalt ores", "cobalt ore"},
	{"2606", "aluminium ores", "aluminium ore|aluminum ore|bauxite"},
	{"2607", "lead ores and concentrates", "lead ore|lead concentrate|galena"},
	{"2608", "zinc ores and concentrates", "zinc ore|zinc concentrate|sphalerite"},
	{"2609", "tin ores", "tin ore|cassiterite"},
	{"2610", "chromium ores", "chromium ore|chrome ore|chromite"},
	{"2611", "tungsten ores and concentrates", "tungsten ore|tungsten concentrate|wolframite|scheelite"},
	{"2612", "uranium and thorium ores", "uranium ore|thorium ore|uranium concentrate|yellowcake|yellow cake"},
	{"2613", "molybdenum ores and concentrates", "molybdenum ore|molybdenum concentrate|molybdenite"},
	{"2614", "titanium ores", "titanium ore|ilmenite|rutile"},
	{"2615", "niobium, tantalum, vanadium and zirconium ores", "zirconium ore|zircon|niobium ore|tantalum ore|coltan|vanadium ore"},
	{"2616", "precious-metal ores", "gold ore|gold concentrate|silver ore|silver concentrate|precious metal ore"},
	{"2617", "other ores, including antimony", "antimony ore|antimony concentrate|stibnite"},
	{"27", "mineral fuels, mineral oils and electricity", "coal|anthracite|bituminous coal|coking coal|lignite|coke|peat|crude oil|crude petroleum|petroleum|gasoline|petrol|diesel|diesel fuel|diesel oil|gas oil|kerosene|jet fuel|fuel oil|heavy fuel oil|lubricating oil|lube oil|naphtha|bitumen|asphalt|tar|paraffin wax|white spirit|petroleum gas|lpg|lng|liquefied natural gas|natural gas|propane|butane|electricity|electric power|electrical energy|~fuel|~gas|tar sand|oil shale"},
	{"2701", "coal", "coal|anthracite|bituminous coal|coking coal|coal briquette"},
	{"270111", "anthracite", "anthracite"},
	{"2704", "coke", "semi coke|metallurgical coke"},
	{"2709", "crude petroleum", "crude oil|crude petroleum"},
	{"2710", "petroleum oils other than crude", "gasoline|petrol|diesel|diesel fuel|diesel oil|gas oil|kerosene|jet fuel|fuel oil|heavy fuel oil|lubricating oil|lube oil|lubricant|naphtha|white spirit"},
	{"271019", "medium and heavy petroleum oils, including fuel oil and diesel", "fuel oil|heavy fuel oil|diesel fuel|gas oil|kerosene|jet fuel|lubricating oil"},
	{"2711", "petroleum gases", "petroleum gas|lpg|lng|liquefied natural gas|natural gas|propane|butane"},
	{"2716", "electrical energy", "electricity|electric power|electrical energy"},
	{"28", "inorganic chemicals and radioactive materials", "inorganic chemical|hydrazine|hydroxylamine|nitric acid|sulphuric acid|sulfuric acid|hydrochloric acid|phosphoric acid|ammonia|caustic soda|sodium hydroxide|nitrogen tetroxide|dinitrogen tetroxide|perchlorate|ammonium perchlorate|chlorate|uranium|enriched uranium|uranium hexafluoride|plutonium|heavy water|isotope|rare earth|rare earth oxide|zinc oxide|titanium dioxide|alumina|carbide|silicon carbide|~salt|~sulphur|~sulfur|~zinc|~aluminium|~aluminum|~chromium|~cobalt|~titanium|~vanadium|~nickel|~copper|~molybdenum|~antimony|~silver|~gold|~zirconium|~germanium|~tungsten|~manganese|~lead|~tin|~magnesium"},
	{"2808", "nitric acid", "nitric acid|red fuming nitric acid"},
	{"2811", "other inorganic acids and oxygen compounds, including nitrogen oxides", "nitrogen tetroxide|dinitrogen tetroxide"},
	{"2825", "hydrazine, hydroxylamine and other inorganic bases", "hydrazine|hydroxylamine"},
	{"282510", "hydrazine and hydroxylamine and their salts", "hydrazine|hydroxylamine"},
	{"2829", "chlorates and perchlorates, including ammonium perchlorate", "perchlorate|ammonium perchlorate|potassium perchlorate|sodium perchlorate|chlorate|sodium chlorate|potassium chlorate"},
	{"2844", "radioactive elements and isotopes, including uranium", "uranium|enriched uranium|uranium hexafluoride|plutonium|isotope"},
	{"2845", "other isotopes, including heavy water", "heavy water|isotope"},
	{"2846", "compounds of rare-earth metals", "rare earth|rare earth oxide"},
	{"29", "organic chemicals", "organic chemical|dimethylhydrazine|dimethyl hydrazine|udmh|methanol|ethanol|benzene|toluene|xylene|acetone|ethylene glycol|formaldehyde|~salt|~sulphur|~sulfur|~alcohol|~antibiotic|~sugar"},
	{"2928", "organic derivatives of hydrazine", "dimethylhydrazine|udmh|unsymmetrical dimethylhydrazine|dimethyl hydrazine|unsymmetrical dimethyl hydrazine|methyl hydrazine|monomethyl hydrazine|monomethylhydrazine|mmh|heptyl|hydrazine, 1,1-dimethyl|hydrazine, methyl"},
	{"30", "pharmaceutical products", "medicine|medicament|pharmaceutical|vaccine|antibiotic|insulin|bandage|first aid kit|~drug|~tablet|~wadding"},
	{"31", "fertilisers", "fertiliser|fertilizer|urea|potash|ammonium nitrate|ammonium sulphate|ammonium sulfate|superphosphate|compound fertilizer"},
	{"3102", "nitrogenous fertilisers", "urea|ammonium nitrate|ammonium sulphate|ammonium sulfate|nitrogen fertilizer|nitrogen fertiliser"},
	{"32", "dyes, pigments, paints and inks", "paint|varnish|pigment|dye|ink|printing ink|lacquer|putty|enamel paint|glass frit"},
	{"33", "essential oils, perfumery and cosmetics", "perfume|cosmetic|shampoo|toothpaste|lipstick|face cream|skin cream|nail polish|essential oil|make up|makeup"},
	{"34", "soap, detergents, waxes and candles", "soap|detergent|washing powder|candle|shoe polish|artificial wax|lubricant"},
	{"35", "glues, enzymes and modified starches", "glue|adhesive|enzyme|gelatin|gelatine|casein|albumin|dextrin|~starch"},
	{"36", "explosives, propellant powders and pyrotechnics", "explosive|prepared explosive|dynamite|tnt|trinitrotoluene|rdx|hmx|propellant powder|gunpowder|smokeless powder|detonator|blasting cap|detonating fuse|firework|pyrotechnic|match|safety match|lighter flint|solid propellant|rocket propellant"},
	{"3601", "propellant powders", "propellant powder|gunpowder|smokeless powder|solid propellant|rocket propellant"},
	{"3602", "prepared explosives", "prepared explosive|dynamite|tnt|trinitrotoluene|rdx|hmx|emulsion explosive|blasting explosive|solid propellant|rocket propellant"},
	{"3603", "detonators, fuses and blasting caps", "detonator|blasting cap|detonating fuse|safety fuse|igniter"},
	{"3604", "fireworks and signal flares", "firework|pyrotechnic|signal flare|flare"},
	{"3605", "matches", "match|safety match"},
	{"37", "photographic goods", "photographic film|photographic paper|photographic plate|x ray film|~film"},
	{"38", "miscellaneous chemical products", "insecticide|pesticide|herbicide|fungicide|disinfectant|activated carbon|antifreeze|chemical preparation|artificial graphite|biodiesel|catalyst|reagent|mortar|solid propellant|rocket propellant|~chemical|wood tar|~alcohol|~cement|~fire extinguisher"},
	{"3801", "artificial graphite", "artificial graphite|graphite"},
	{"3824", "chemical preparations not elsewhere specified", "mortar|chemical preparation|solid propellant|rocket propellant|~carbide"},
	{"39", "plastics and articles of plastics", "plastic bag|plastic film|plastic pipe|plastic sheet|plastic container|polyethylene|polypropylene|polyvinyl chloride|pvc|polystyrene|pet resin|plastic granule|plastic pellet|tank|glove|~plastic|~resin|~sanitary ware|~floor covering|~pipe|~tube"},
	{"3923", "plastic packing articles", "plastic bag|plastic container|plastic bottle"},
	{"40", "rubber and articles of rubber", "natural rubber|synthetic rubber|tyre|tire|inner tube|rubber hose|rubber belt|conveyor belt|glove|~rubber"},
	{"4011", "new pneumatic tyres", "new tyre|pneumatic tyre|new tire|pneumatic tire"},
	{"41", "raw hides, skins and leather", "raw hide|cowhide|tanned leather|finished leather|~hide|~leather|~skin"},
	{"42", "leather articles, bags and travel goods", "handbag|suitcase|luggage|wallet|purse|travel bag|backpack|briefcase|saddle|saddlery|leather glove|glove|~clothing|~apparel|~garment"},
	{"4202", "trunks, suitcases, handbags and similar containers", "handbag|suitcase|luggage|wallet|purse|travel bag|backpack|briefcase"},
	{"43", "furskins and artificial fur", "fur|furskin|fur coat|fur skin|mink|artificial fur|fake fur|~clothing|~apparel|~garment"},
	{"44", "wood and articles of wood", "wood|timber|log|lumber|plywood|sawn wood|sawnwood|wood pellet|charcoal|veneer|particle board|fibreboard|fiberboard|wooden pallet|~wooden"},
	{"4403", "wood in the rough", "log|round wood|roundwood|timber log"},
	{"4407", "sawn wood", "sawn wood|sawnwood|sawn timber"},
	{"45", "cork", "cork"},
	{"46", "basketware and wickerwork", "basket|basketware|wickerwork|straw mat|straw plait|plaiting material"},
	{"47", "wood pulp and waste paper", "wood pulp|pulp|waste paper|recovered paper|paper scrap|~paper|~paperboard"},
	{"48", "paper and paperboard", "paper|paperboard|cardboard|newsprint|tissue paper|toilet paper|paper bag|cigarette paper|wallpaper|notebook|exercise book|~pulp"},
	{"4819", "cartons, boxes and bags of paper", "paper bag|cardboard box|paper box|corrugated box"},
	{"49", "books, newspapers and other printed matter", "book|newspaper|magazine|printed matter|map|poster|calendar|catalogue|catalog|brochure|postage stamp|postcard|printed book"},
	{"50", "silk", "silk|raw silk|silk fabric|silk yarn|silkworm cocoon|cocoon"},
	{"5007", "woven silk fabrics", "silk fabric|silk cloth"},
	{"51", "wool and animal hair", "wool|woollen|woolen|cashmere|worsted|wool yarn|wool fabric|animal hair yarn"},
	{"52", "cotton, cotton yarn and fabric", "raw cotton|cotton yarn|cotton fabric|cotton thread|cotton cloth|denim|~cotton|sewing thread"},
	{"5208", "woven cotton fabrics", "cotton fabric|cotton cloth"},
	{"53", "other vegetable textile fibres", "flax|jute|hemp|ramie|sisal|coir|~linen"},
	{"54", "man-made filaments", "filament yarn|nylon filament|polyester filament|synthetic filament|viscose filament|sewing thread|~nylon|~polyester"},
	{"55", "man-made staple fibres", "staple fibre|staple fiber|polyester staple|acrylic fibre|acrylic fiber|viscose fibre|viscose fiber|synthetic fibre|synthetic fiber|~acrylic|~viscose|~polyester|sewing thread"},
	{"56", "wadding, felt, nonwovens, cordage and nets", "rope|cordage|twine|fishing net|net|netting|felt|nonwoven|non woven|wadding"},
	{"57", "carpets and other textile floor coverings", "carpet|rug|floor covering"},
	{"58", "special fabrics, lace and embroidery", "lace|embroidery|tapestry|velvet|ribbon|woven label|tulle|pile fabric|net fabric"},
	{"59", "coated and industrial textile fabrics", "tyre cord|tire cord|coated fabric|textile hose|fire hose|transmission belt|conveyor belting|~floor covering"},
	{"60", "knitted or crocheted fabrics", "knitted fabric|crocheted fabric|jersey fabric|knit fabric"},
	{"61", "knitted or crocheted apparel", "t shirt|tshirt|tee shirt|sweater|pullover|cardigan|sweatshirt|jersey|hosiery|stocking|sock|underwear|garment|clothing|apparel|clothes|jacket|coat|overcoat|anorak|suit|dress|skirt|trousers|pants|shorts|shirt|blouse|uniform|tracksuit|track suit|ski suit|swimwear|baby garment|glove|~knitted|~knit|~crocheted|shawl|scarf"},
	{"6109", "knitted T-shirts and vests", "t shirt|tshirt|tee shirt|vest|singlet"},
	{"6110", "knitted sweaters, pullovers and cardigans", "sweater|pullover|cardigan|sweatshirt|jersey|jumper"},
	{"62", "woven apparel", "garment|clothing|apparel|clothes|jacket|coat|overcoat|anorak|parka|windbreaker|suit|dress|skirt|trousers|pants|jeans|shorts|shirt|blouse|uniform|tracksuit|track suit|ski suit|swimwear|brassiere|bra|tie|necktie|scarf|shawl|handkerchief|glove|underwear|~woven|vest"},
	{"6201", "men's or boys' coats, anoraks and jackets", "overcoat|anorak|parka|windbreaker|padded jacket|padded coat"},
	{"6202", "women's or girls' coats, anoraks and jackets", "overcoat|anorak|parka|windbreaker|padded jacket|padded coat"},
	{"6203", "men's or boys' suits, jackets and trousers", "suit|trousers|pants|jeans|shorts"},
	{"6204", "women's or girls' suits, dresses, skirts and trousers", "suit|dress|skirt|trousers|pants|jeans|shorts"},
	{"6205", "men's or boys' shirts", "shirt"},
	{"6206", "women's or girls' blouses and shirts", "blouse|shirt"},
	{"6211", "tracksuits, ski suits and swimwear", "tracksuit|track suit|ski suit|swimwear"},
	{"63", "made-up textile articles and worn clothing", "blanket|bed linen|bedsheet|bed sheet|pillowcase|towel|curtain|tent|tarpaulin|jute bag|worn clothing|used clothing|second hand clothing|rag|flag|life jacket|~rug|~clothing|~apparel|~garment"},
	{"6305", "sacks and bags for packing goods", "jute bag|bulk bag|woven bag|sandbag"},
	{"64", "footwear", "shoe|footwear|boot|sandal|slipper|sneaker|rubber boot|leather shoe"},
	{"65", "headgear", "hat|helmet|headgear|~cap"},
	{"66", "umbrellas and walking sticks", "umbrella|parasol|walking stick"},
	{"67", "feathers, artificial flowers, wigs and eyelashes", "wig|hairpiece|false eyelash|eyelash|false beard|artificial flower|human hair|feather|flower"},
	{"6704", "wigs, false beards and eyelashes", "wig|hairpiece|false eyelash|eyelash|false beard"},
	{"68", "articles of stone, cement, asbestos and abrasives", "worked stone|tombstone|millstone|grinding wheel|abrasive|sandpaper|sand paper|plasterboard|plaster board|mineral wool|rock wool|concrete block|granite slab|marble slab|brake lining|stone slab|granite|marble|asbestos|~cement|~mica|~peat|slag wool|~tile"},
	{"6802", "worked monumental or building stone", "worked stone|tombstone|granite slab|marble slab|stone slab|granite|marble"},
	{"69", "ceramic products", "brick|tile|ceramic tile|floor tile|roof tile|pottery|sanitary ware|toilet bowl|washbasin|refractory|refractory brick|stoneware|statue|~ceramic|~porcelain|statuette"},
	{"70", "glass and glassware", "glass|glassware|float glass|glass bottle|glass fibre|glass fiber|fibreglass|fiberglass|glass wool|mirror|safety glass|windscreen|windshield|glass jar"},
	{"71", "pearls, precious stones and precious metals", "gold|silver|platinum|palladium|diamond|pearl|jewellery|jewelry|precious stone|gemstone|coin|bullion|gold bullion|gold bar|gold ingot|gold dore|silver bullion|silver ingot"},
	{"7102", "diamonds", "diamond"},
	{"7106", "silver", "silver bullion|silver ingot"},
	{"7108", "gold", "gold bullion|gold bar|gold ingot|gold dore|gold powder"},
	{"710812", "unwrought gold, not monetary", "gold bullion|gold bar|gold ingot|gold dore"},
	{"7113", "jewellery of precious metal", "gold jewellery|gold jewelry|gold ring|gold necklace"},
	{"72", "iron and steel", "pig iron|ferroalloy|ferro alloy|ferrosilicon|ferro silicon|ferromanganese|ferro manganese|ferromolybdenum|ferrotungsten|steel billet|steel slab|steel ingot|steel plate|steel sheet|steel coil|hot rolled coil|cold rolled coil|rebar|reinforcing bar|steel bar|wire rod|iron scrap|steel scrap|scrap iron|scrap steel|tinplate|~steel|~iron|~stainless"},
	{"7202", "ferro-alloys", "ferroalloy|ferro alloy|ferrosilicon|ferro silicon|ferromanganese|ferro manganese|ferromolybdenum|ferrotungsten"},
	{"7204", "ferrous waste and scrap", "iron scrap|steel scrap|scrap iron|scrap steel|scrap metal"},
	{"73", "articles of iron or steel", "steel pipe|steel tube|bolt|screw|nut|nail|washer|chain|anchor|steel structure|steel frame|gas cylinder|pressure vessel|stove|steel wool|wire rope|steel wire rope|tank|storage tank|~steel|~iron|~sanitary ware|~pipe|~tube"},
	{"7318", "screws, bolts, nuts and washers", "bolt|screw|nut|washer|rivet"},
	{"74", "copper and articles of copper", "copper|copper cathode|copper wire|copper plate|copper tube|brass|bronze"},
	{"75", "nickel and articles of nickel", "nickel|nickel matte|nickel plate"},
	{"76", "aluminium and articles of aluminium", "aluminium|aluminum|aluminium ingot|aluminum ingot|aluminium foil|aluminum foil|aluminium profile|aluminum profile"},
	{"77", "reserved for future use in the HS", ""},
	{"78", "lead and articles of lead", "lead ingot|unwrought lead|refined lead|~lead"},
	{"79", "zinc and articles of zinc", "zinc|zinc ingot|unwrought zinc"},
	{"80", "tin and articles of tin", "tin ingot|unwrought tin|~tin"},
	{"81", "other base metals, including tungsten, molybdenum and titanium", "tungsten|molybdenum|titanium|titanium sponge|magnesium|cobalt|bismuth|cadmium|antimony|chromium|germanium|vanadium|beryllium|zirconium|tantalum|niobium|gallium|indium|hafnium|rhenium"},
	{"8101", "tungsten and articles of tungsten", "tungsten|tungsten wire|tungsten powder"},
	{"8102", "molybdenum and articles of molybdenum", "molybdenum|molybdenum powder"},
	{"8108", "titanium and articles of titanium", "titanium|titanium sponge|titanium alloy"},
	{"82", "tools, implements and cutlery of base metal", "hand tool|spanner|wrench|hammer|knife|knives|cutlery|spoon|scissors|pliers|axe|shovel|spade|hoe|drill bit|saw blade|~tool|~drill"},
	{"83", "miscellaneous articles of base metal", "padlock|lock|hinge|metal fitting|bell|bottle cap|statuette|statue|~rivet"},
	{"84", "machinery and mechanical appliances, boilers and reactors", "nuclear reactor|boiler|engine|pump|compressor|machine tool|~machine|~machinery|~equipment|~apparatus|~mechanical|~motor|~filter|~drill|~cartridge|~propeller|~generator|~truck"},
	{"8401", "nuclear reactors and fuel elements", "nuclear reactor|fuel element|fuel rod|reactor core"},
	{"8402", "steam boilers", "steam boiler"},
	{"8407", "spark-ignition engines", "petrol engine|gasoline engine|outboard motor|outboard engine|aircraft engine|marine engine"},
	{"8408", "diesel engines", "diesel engine|marine diesel engine|marine engine"},
	{"8411", "turbojets, turboprops and gas turbines", "turbojet|turbofan|turboprop|turbo jet|turbo fan|turbojet engine|turbofan engine|turboprop engine|turbo jet engine|turbo fan engine|gas turbine|jet engine|aircraft engine"},
	{"8412", "other engines and motors, including reaction engines", "reaction engine|hydraulic motor|pneumatic motor|hydraulic cylinder|rocket engine|rocket motor|ramjet|scramjet|liquid propellant engine|aircraft engine"},
	{"841210", "reaction engines other than turbojets, e.g. rocket engines", "reaction engine|rocket engine|rocket motor|ramjet|scramjet|liquid propellant engine"},
	{"8413", "pumps for liquids", "water pump|fuel pump|oil pump|concrete pump|turbopump|turbo pump|hydraulic pump|~elevator"},
	{"841381", "other pumps for liquids", "turbopump|turbo pump"},
	{"8414", "air pumps, compressors and fans", "compressor|air compressor|vacuum pump|fan|ventilator|blower"},
	{"8415", "air conditioners", "air conditioner|air conditioning"},
	{"8418", "refrigerators and freezers", "refrigerator|freezer|fridge|heat pump"},
	{"8421", "centrifuges and filtering machinery", "centrifuge|gas centrifuge|oil filter|air filter|water filter|water purifier"},
	{"8422", "dish-washing, bottling and packing machinery", "dish washing machine|dishwasher|packing machine|packaging machine|bottling machine|filling machine"},
	{"8424", "sprayers and fire extinguishers", "sprayer|fire extinguisher|spray gun"},
	{"8425", "winches, hoists and jacks", "winch|hoist|jack"},
	{"8426", "cranes", "crane|gantry crane|tower crane|overhead crane"},
	{"8427", "fork-lift trucks", "forklift|forklift truck|fork lift|fork lift truck|~truck"},
	{"8428", "other lifting and conveying machinery", "conveyor|elevator|escalator|cable car|skip hoist"},
	{"8429", "bulldozers, excavators and loaders", "bulldozer|excavator|grader|road roller|front end loader|wheel loader|backhoe|backhoe loader|mechanical shovel|shovel loader"},
	{"8430", "mining, boring and earth-moving machinery", "mining equipment|mining machinery|mining machine|machinery for mining|equipment for mining|drilling rig|boring machine|pile driver|coal cutter|tunnelling machine|tunneling machine|rock drill|snow plough|snow plow|snow blower"},
	{"8432", "agricultural machinery for the soil", "plough|plow|harrow|seeder|agricultural machinery|farm machinery|cultivator"},
	{"8433", "harvesting and threshing machinery", "harvester|combine harvester|mower|lawn mower|thresher"},
	{"8443", "printing machinery and printers", "printer|printing machine|printing press|photocopier|ink cartridge|printer cartridge"},
	{"8450", "washing machines", "washing machine"},
	{"8452", "sewing machines", "sewing machine"},
	{"8456", "machine tools working by laser and other processes", "laser cutting machine|laser cutter|plasma cutter|waterjet cutter|edm machine"},
	{"8457", "machining centres", "machining centre|machining center"},
	{"8458", "lathes", "lathe|cnc lathe"},
	{"8459", "drilling and milling machines", "drilling machine|milling machine|boring mill"},
	{"8462", "presses and forging machines", "press brake|forging press|stamping press|hydraulic press|forging machine"},
	{"8467", "hand-held power tools", "power tool|chainsaw|chain saw|electric drill|angle grinder"},
	{"8471", "computers", "computer|laptop|notebook computer|desktop computer|server computer|data processing machine"},
	{"8474", "machinery for crushing and sorting ore and stone", "ore crusher|crusher|stone crusher|rock crusher|crushing machine|mining equipment|mining machinery|concrete mixer|grinding mill|ball mill|flotation machine|screening machine|ore dressing equipment"},
	{"8481", "taps, cocks and valves", "valve|ball valve|gate valve|faucet"},
	{"8482", "ball and roller bearings", "ball bearing|roller bearing|bearing"},
	{"8483", "transmission shafts, gears and gearboxes", "gearbox|gear box|transmission shaft|crankshaft|~gear|~bearing"},
	{"85", "electrical machinery and electronic equipment", "electric motor|generator|transformer|battery|telephone|television|semiconductor|integrated circuit|cable|~electrical|~electric|~electronic|lamp|~tube|~pipe|carbon brush|graphite electrode|carbon electrode"},
	{"8501", "electric motors and generators", "electric motor|generator|alternator"},
	{"8502", "electric generating sets", "generating set|generator set|genset|diesel generator|generator"},
	{"8504", "transformers, power supplies and inverters", "transformer|power supply|inverter|rectifier|charger"},
	{"8507", "storage batteries", "accumulator|lead acid battery|lithium battery|storage battery|car battery"},
	{"8516", "electric heaters and domestic appliances", "electric heater|rice cooker|microwave oven|hair dryer|water heater|electric kettle|electric iron"},
	{"8517", "telephones and network equipment", "telephone|mobile phone|smartphone|cell phone|cellphone|router|modem|network switch"},
	{"8525", "transmitters and cameras", "transmitter|video camera|digital camera|television camera|camera|cctv camera|~radio"},
	{"8526", "radar and radio navigation apparatus", "radar|radio navigation|gps receiver|radio remote control|navigation receiver|~radio"},
	{"8527", "radio receivers", "radio receiver|radio"},
	{"8528", "monitors, projectors and television receivers", "television|tv set|television set|~monitor|~projector"},
	{"8536", "switches, fuses and connectors", "circuit breaker|electric switch|electrical switch|connector|relay|~fuse|~switch"},
	{"8539", "lamps and light bulbs", "light bulb|led lamp|fluorescent lamp"},
	{"8541", "semiconductor devices and solar cells", "diode|transistor|solar cell|solar panel|photovoltaic panel|led"},
	{"8542", "integrated circuits", "integrated circuit|microchip|microprocessor|memory chip|~chip"},
	{"8544", "insulated wire and cable", "cable|insulated wire|insulated copper wire|electric cable|electrical cable|power cable|optical fibre cable|optical fiber cable|submarine cable|wire harness|~wire"},
	{"86", "railway locomotives and rolling stock", "locomotive|railway wagon|railway car|railway carriage|freight wagon|goods wagon|tank wagon|rolling stock|railway|tramway|tram|~rail|~train|~van|~coach|~truck"},
	{"8601", "electric locomotives", "locomotive|electric locomotive"},
	{"8602", "other locomotives", "locomotive|diesel locomotive"},
	{"8606", "railway freight wagons", "railway wagon|freight wagon|goods wagon|tank wagon"},
	{"87", "road vehicles and their parts", "tractor|bus|car|truck|lorry|motorcycle|bicycle|trailer|vehicle parts|auto parts|brake|~vehicle|~automotive"},
	{"8701", "tractors", "tractor|agricultural tractor|road tractor|truck tractor|walking tractor"},
	{"8702", "buses", "bus|buses|minibus|coach"},
	{"8703", "passenger cars", "passenger car|motor car|automobile|suv|sedan|jeep|van"},
	{"8704", "goods vehicles", "lorry|dump truck|tipper|tipper truck|pickup truck|van|cargo truck"},
	{"8705", "special-purpose vehicles", "crane lorry|crane truck|mobile crane|truck mounted crane|fire engine|fire truck|concrete mixer truck|mobile drilling rig"},
	{"8708", "parts of road vehicles", "vehicle parts|auto parts|car parts|brake|bumper|axle|fuel tank|seat belt|air bag|airbag"},
	{"8710", "tanks and armoured fighting vehicles", "tank|battle tank|main battle tank|armoured vehicle|armored vehicle|armoured personnel carrier|armored personnel carrier|armoured combat vehicle|armored combat vehicle|infantry fighting vehicle|armoured car|armored car"},
	{"8711", "motorcycles", "motorcycle|motorbike|scooter|moped"},
	{"8712", "bicycles", "bicycle|bike"},
	{"8716", "trailers", "trailer|semi trailer|semitrailer|cart"},
	{"88", "aircraft, spacecraft and their parts", "aircraft|aeroplane|airplane|helicopter|airliner|spacecraft|satellite|launch vehicle|drone|unmanned aerial vehicle|uav|landing gear|~plane|~aviation|~propeller"},
	{"8801", "balloons, gliders and airships", "balloon|glider|hang glider|airship"},
	{"8802", "aircraft and spacecraft", "aircraft|aeroplane|airplane|helicopter|airliner|jet aircraft|spacecraft|satellite|launch vehicle|rocket|missile|ballistic missile"},
	{"880260", "spacecraft and launch vehicles", "spacecraft|satellite|launch vehicle|space launch vehicle|satellite launch vehicle|suborbital vehicle|carrier rocket|space rocket|rocket|ballistic missile"},
	{"8806", "unmanned aircraft", "drone|unmanned aerial vehicle|unmanned aircraft|uav"},
	{"8807", "parts of aircraft and spacecraft", "landing gear|aircraft parts|propeller|aircraft propeller|fuselage"},
	{"89", "ships, boats and floating structures", "ship|boat|cargo ship|bulk carrier|oil tanker|container ship|ferry|cruise ship|cargo vessel|fishing vessel|fishing boat|trawler|yacht|tugboat|tug|dredger|warship|submarine|~vessel"},
	{"8901", "cargo and passenger ships", "cargo ship|bulk carrier|oil tanker|container ship|ferry|cruise ship|cargo vessel|general cargo ship"},
	{"8902", "fishing vessels", "fishing vessel|fishing boat|trawler|fishing ship"},
	{"8903", "yachts and pleasure boats", "yacht|pleasure boat|sailboat|canoe|kayak|motorboat|speedboat"},
	{"8904", "tugs", "tugboat|tug"},
	{"8905", "dredgers and floating docks", "dredger|floating dock|floating crane|drilling platform"},
	{"8906", "other vessels, including warships", "warship|naval vessel|patrol boat|submarine|frigate|corvette|lifeboat"},
	{"890610", "warships", "warship|naval vessel|frigate|corvette|submarine"},
	{"90", "optical, measuring, navigational and medical instruments", "optical fibre|optical fiber|lens|spectacles|sunglasses|eyeglasses|goggles|binoculars|telescope|microscope|laser|gyroscope|accelerometer|compass|surveying instrument|medical instrument|syringe|x ray machine|thermometer|spectrometer|measuring instrument|~optical|~precision|camera|~instrument"},
	{"9004", "spectacles and goggles", "spectacles|sunglasses|eyeglasses|goggles"},
	{"9005", "binoculars and telescopes", "binoculars|telescope"},
	{"9013", "lasers and other optical appliances", "laser|laser rangefinder|laser sight"},
	{"9014", "navigational instruments, compasses and gyroscopes", "navigational instrument|navigation instrument|navigation system|compass|gyrocompass|gyroscope|inertial navigation|inertial navigation system|inertial measurement unit|autopilot"},
	{"901420", "instruments for aeronautical or space navigation", "inertial navigation system|inertial measurement unit|autopilot|flight navigation|missile guidance set|guidance set|guidance system"},
	{"9015", "surveying instruments", "surveying instrument|theodolite|rangefinder|laser rangefinder|total station"},
	{"9018", "medical and dental instruments", "medical instrument|medical equipment|syringe|catheter|stethoscope|dental equipment|surgical instrument"},
	{"9022", "X-ray apparatus", "x ray machine|x ray apparatus|x ray scanner"},
	{"9027", "instruments for physical or chemical analysis", "spectrometer|mass spectrometer|chromatograph|gas analyser|gas analyzer"},
	{"9028", "gas, liquid and electricity meters", "electricity meter|water meter|gas meter"},
	{"9031", "measuring and checking instruments not elsewhere specified", "measuring instrument|coordinate measuring machine|accelerometer|gyroscope|inertial measurement unit"},
	{"91", "clocks and watches", "watch|wristwatch|wrist watch|clock|watch movement|alarm clock"},
	{"9108", "watch movements", "watch movement"},
	{"92", "musical instruments", "musical instrument|piano|guitar|violin|accordion|flute|trumpet|saxophone|kayagum"},
	{"93", "arms and ammunition", "weapon|military weapon|small arms|light weapon|firearm|gun|rifle|assault rifle|machine gun|cannon|artillery|howitzer|mortar|rocket launcher|multiple rocket launcher|missile launcher|anti aircraft gun|pistol|revolver|handgun|shotgun|hunting rifle|air gun|air rifle|ammunition|ammo|cartridge|bullet|bomb|grenade|torpedo|land mine|sea mine|naval mine|missile|ballistic missile|guided missile|cruise missile|warhead|projectile|artillery shell|rocket|sword|bayonet|~military|~shell|~mine"},
	{"9301", "military weapons", "military weapon|assault rifle|machine gun|cannon|artillery|howitzer|mortar|rocket launcher|multiple rocket launcher|missile launcher|anti aircraft gun|self propelled gun|recoilless rifle"},
	{"9302", "revolvers and pistols", "pistol|revolver|handgun"},
	{"9303", "other firearms, including sporting guns", "shotgun|hunting rifle|sporting rifle|sporting gun|signal pistol|flare gun"},
	{"9304", "other arms, e.g. air guns", "air gun|air rifle|pellet gun|stun gun"},
	{"9305", "parts and accessories of arms", "gun barrel|rifle barrel|gun part|firearm part"},
	{"9306", "bombs, grenades, torpedoes, mines, missiles and ammunition", "ammunition|ammo|cartridge|bullet|bomb|grenade|torpedo|land mine|sea mine|naval mine|missile|ballistic missile|guided missile|cruise missile|warhead|projectile|artillery shell|rocket"},
	{"930690", "other munitions of war, including missiles and their parts", "missile|ballistic missile|guided missile|cruise missile|torpedo|warhead|bomb|grenade|land mine|sea mine|naval mine|rocket"},
	{"9307", "swords and bayonets", "sword|bayonet|dagger"},
	{"94", "furniture, bedding, lamps and prefabricated buildings", "furniture|chair|sofa|mattress|desk|wardrobe|bed|bedding|sleeping bag|lamp|lighting fitting|chandelier|prefabricated building|~table|~cabinet|~seat"},
	{"9403", "other furniture", "furniture|desk|wardrobe|bed|kitchen furniture|office furniture"},
	{"9405", "lamps and lighting fittings", "lighting fitting|chandelier|street light|led light"},
	{"95", "toys, games and sports equipment", "toy|doll|video game console|playing card|sports equipment|sporting goods|fishing rod|fishing tackle|golf club|ski|christmas decoration|~game|~ball"},
	{"96", "miscellaneous manufactured articles", "button|zip|zipper|slide fastener|brush|toothbrush|pen|ballpoint pen|pencil|lighter|comb|sanitary towel|diaper|nappy|vacuum flask|hairpin|~ink|~ribbon|~pipe|smoking pipe"},
	{"97", "works of art, collectors' pieces and antiques", "painting|oil painting|sculpture|statue|antique|collectors piece|artwork|work of art|mosaic painting|embroidered painting|jewel painting"},
	{"9701", "paintings and drawings by hand", "painting|oil painting|embroidered painting|jewel painting"},
	{"9703", "original sculptures and statuary", "sculpture|statue"},
}

// hsKey is one keyword of the table with every row that lists it.
type hsKey struct {
	words []string // folded words
	rows  []int    // the rows listing it, in table order
	fits  []int    // the most specific of them, which a code must fall in
	shown []int    // the most specific of those listing it as strong
	weak  bool     // listed only as weak
}

// hsIndex is the table indexed for matching descriptions.
type hsIndex struct {
	keys  map[string][]*hsKey // by first word, longest first
	codes map[string]int      // row by code
}

var hsIx = sync.OnceValue(func() *hsIndex {
	ix := &hsIndex{keys: map[string][]*hsKey{}, codes: map[string]int{}}
	byText := map[string]*hsKey{}
	strong := map[*hsKey][]int{}
	var order []string
	for i, r := range hsTable {
		ix.codes[r.code] = i
		if r.words == "" {
			continue
		}
		for _, w := range strings.Split(r.words, "|") {
			weak := strings.HasPrefix(w, "~")
			ws := foldWords(strings.TrimPrefix(w, "~"))
			text := strings.Join(ws, " ")
			k := byText[text]
			if k == nil {
				k = &hsKey{words: ws, weak: true}
				byText[text] = k
				order = append(order, text)
			}
			k.weak = k.weak && weak
			k.rows = append(k.rows, i)
			if !weak {
				strong[k] = append(strong[k], i)
			}
		}
	}
	for _, text := range order {
		k := byText[text]
		k.fits = specific(k.rows)
		k.shown = specific(strong[k])
		if k.weak {
			k.shown = specific(k.rows)
		}
		ix.keys[k.words[0]] = append(ix.keys[k.words[0]], k)
	}
	for _, ks := range ix.keys {
		slices.SortStableFunc(ks, func(a, b *hsKey) int { return cmp.Compare(len(b.words), len(a.words)) })
	}
	return ix
})

// specific drops the rows whose code is a prefix of another row's code, so
// that a keyword listed under a chapter and one of its headings points at
// the heading.
func specific(rows []int) []int {
	var out []int
	for _, i := range rows {
		covered := slices.ContainsFunc(rows, func(j int) bool {
			return j != i && len(hsTable[j].code) > len(hsTable[i].code) && strings.HasPrefix(hsTable[j].code, hsTable[i].code)
		})
		if !covered && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

// Word classes of a description, besides the table's keywords.
var (
	// hsBreaks end the words naming the goods: what follows says what they
	// are for, made of or packed in. So do punctuation marks.
	hsBreaks = wordSet("for of with in from to into incl including include containing contain without under by per on used made as , ; : ( ) [ ]")
	// hsParts make the goods parts of what the description names: then only
	// the chapter must agree.
	hsParts = wordSet("part component spare accessory accessories assembly subassembly")
	// hsPacks are packages: "bags of rice" names rice.
	hsPacks = wordSet("bag sack box carton case crate drum barrel bottle can jar pallet bundle roll bale lot set kit unit piece pc pcs container package packet pack")
	// hsFiller are units and words that name nothing; so are words with a
	// digit.
	hsFiller = wordSet("a an the kg g t ton tonne mt lb m cm mm l litre liter ml assorted various mixed new")
	hsAnd    = wordSet("and or & /")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[hsFold(w)] = true
	}
	return m
}

// Mismatch is an item whose description names goods of other chapters or
// headings than its HS code.
type Mismatch struct {
	// Words are the words of the description that name the goods.
	Words string `json:"words"`
	// Codes are the chapters, headings or subheadings the words point at.
	Codes []string `json:"codes"`
	// Parts is set when the description is of parts, so that only the
	// chapter must agree.
	Parts bool `json:"parts,omitempty"`
	// Declared is the item's HS code.
	Declared string `json:"declared"`
	// Why says it in plain words, as in "'mining equipment' describes
	// mining, boring and earth-moving machinery or machinery for crushing
	// and sorting ore and stone (84.30/84.74) but is declared under 8802.60,
	// spacecraft and launch vehicles".
	Why string `json:"why"`
}

// hsWord is one word of a description, or a punctuation mark that breaks
// it, with where it is in the description.
type hsWord struct {
	w          string
	start, end int
}

// Check reports whether an item's description names goods that its HS
// code does not cover, by Surety's HS table.
//
// The words naming the goods are those before the first word saying what
// they are for, made of or packed in ("for", "of", "with", a comma...); of
// the table's keywords among them the last, with any joined to it by "and"
// or "or", names the goods (in "coal mining machinery" the machinery, not
// the coal). When those words are only packages ("bags of rice") or parts
// ("spare parts for excavators"), the goods are named after the break. Weak
// keywords (materials, general words) never name the goods. The code
// agrees when it falls in a heading or chapter a keyword points at, or, for
// parts, in the same chapter. A description naming nothing the table knows
// is no mismatch. The description is read as it looks (glyphs.Plain).
func Check(desc, hs string) (Mismatch, bool) {
	return check(desc, hs, nil)
}

func check(desc, hs string, nom *Nomenclature) (Mismatch, bool) {
	desc = glyphs.Plain(desc)
	ix := hsIx()
	code := hsDigits(hs)
	if len(code) < 6 {
		return Mismatch{}, false // not an HS code; Validate says so
	}
	words := hsWords(desc)
	type found struct {
		k          *hsKey
		start, end int // word indexes
	}
	var keys []found
	parts := false
	kinds := make([]byte, len(words)) // k keyword, b break, a and, p parts, c package, f filler, o other
	for i := 0; i < len(words); {
		w := words[i].w
		var k *hsKey
		for _, c := range ix.keys[w] {
			if i+len(c.words) <= len(words) && matchWords(c.words, words[i:i+len(c.words)]) {
				k = c
				break
			}
		}
		if k != nil {
			keys = append(keys, found{k, i, i + len(k.words)})
			for j := i; j < i+len(k.words); j++ {
				kinds[j] = 'k'
			}
			i += len(k.words)
			continue
		}
		switch {
		case hsBreaks[w]:
			kinds[i] = 'b'
		case hsAnd[w]:
			kinds[i] = 'a'
		case hsParts[w]:
			kinds[i] = 'p'
			parts = true
		case hsPacks[w]:
			kinds[i] = 'c'
		case hsFiller[w] || hasDigit(w):
			kinds[i] = 'f'
		default:
			kinds[i] = 'o'
		}
		i++
	}
	// head returns the strong keywords naming the goods in words from..to:
	// the last and those joined to it by one "and" or "or"; none when a
	// word the table does not know, or a weak one, follows the last
	// ("fish hooks", "bearing housings", "book-binding machinery", "paper
	// cartons").
	head := func(from, to int) []found {
		var h []found
		for j := len(keys) - 1; j >= 0; j-- {
			f := keys[j]
			if f.start < from || f.end > to || f.k.weak {
				continue
			}
			if len(h) == 0 && slices.ContainsFunc(kinds[f.end:to], func(k byte) bool { return k == 'o' || k == 'k' || k == 'c' }) {
				return nil
			}
			if len(h) > 0 && !(f.end+1 == h[len(h)-1].start && kinds[f.end] == 'a') {
				break
			}
			h = append(h, f)
		}
		slices.Reverse(h)
		return h
	}
	brk := slices.Index(kinds, 'b')
	if brk < 0 {
		brk = len(words)
	}
	goods := head(0, brk)
	if len(goods) == 0 && brk < len(words) {
		packed := true
		for _, k := range kinds[:brk] {
			packed = packed && (k == 'c' || k == 'f')
		}
		if parts || packed && slices.Contains(kinds[:brk], 'c') {
			from := brk + 1
			for from < len(words) && kinds[from] == 'b' {
				from++
			}
			to := from
			for to < len(words) && kinds[to] != 'b' {
				to++
			}
			goods = head(from, to)
		}
	}
	if len(goods) == 0 {
		return Mismatch{}, false
	}
	var codes, means []string
	for _, f := range goods {
		for _, r := range f.k.fits {
			if within(code, hsTable[r].code, parts) {
				return Mismatch{}, false
			}
		}
		for _, r := range f.k.shown {
			if c := hsTable[r].code; !slices.Contains(codes, c) {
				codes = append(codes, c)
				means = append(means, hsTable[r].desc)
			}
		}
	}
	m := Mismatch{
		Words:    desc[words[goods[0].start].start:words[goods[len(goods)-1].end-1].end],
		Codes:    codes,
		Parts:    parts,
		Declared: hs,
	}
	shown := make([]string, len(codes))
	for i, c := range codes {
		shown[i] = hsShow(c)
	}
	what := strings.Join(slices.Compact(means), " or ")
	if parts {
		var chs []string
		for _, c := range codes {
			if !slices.Contains(chs, c[:2]) {
				chs = append(chs, c[:2])
			}
		}
		m.Why = fmt.Sprintf("'%s' describes parts of %s (%s; parts fall in chapter %s)", m.Words, what, strings.Join(shown, "/"), strings.Join(chs, " or "))
	} else {
		m.Why = fmt.Sprintf("'%s' describes %s (%s)", m.Words, what, strings.Join(shown, "/"))
	}
	m.Why += " but is declared under " + hsUnder(code, nom)
	return m, true
}

// within reports whether the declared code falls in a row's code, compared
// as far as the heading, or the chapter for parts.
func within(declared, row string, parts bool) bool {
	n := min(len(row), 4)
	if parts {
		n = 2
	}
	return len(declared) >= n && declared[:n] == row[:n]
}

// hsShow writes a code as the HS does: chapter 84, heading 84.30,
// subheading 8802.60.
func hsShow(c string) string {
	switch {
	case len(c) == 2:
		return "ch. " + c
	case len(c) == 4:
		return c[:2] + "." + c[2:]
	case len(c) == 6:
		return c[:4] + "." + c[4:]
	}
	return c[:4] + "." + c[4:6] + "." + c[6:]
}

// hsUnder says what a declared code covers, by the nomenclature when one is
// given and has its chapter, else by the most specific row of the table it
// falls in: "8802.60, spacecraft and launch vehicles" or "8802.40,
// in heading 88.02, aircraft and spacecraft".
func hsUnder(code string, nom *Nomenclature) string {
	if nom != nil {
		if s, ok := nom.under(code); ok {
			return s
		}
	}
	ix := hsIx()
	shown := hsShow(code[:min(len(code), 6)])
	if len(code) > 6 {
		shown = hsShow(code)
	}
	for _, n := range []int{6, 4, 2} {
		if len(code) < n {
			continue
		}
		i, ok := ix.codes[code[:n]]
		if !ok {
			continue
		}
		r := hsTable[i]
		switch {
		case n == len(code) || n == 6:
			return shown + ", " + r.desc
		case n == 4:
			return shown + ", in heading " + hsShow(r.code) + ", " + r.desc
		default:
			return shown + ", in chapter " + r.code + ", " + r.desc
		}
	}
	return shown + ", which is in no HS chapter"
}

// hsWords splits a description into folded words and punctuation marks;
// "/" and "&" read as "or" and "and", hyphens and dots split words, and
// apostrophes vanish.
func hsWords(s string) []hsWord {
	var ws []hsWord
	start := -1
	var b strings.Builder
	flush := func(end int) {
		if start >= 0 {
			ws = append(ws, hsWord{hsFold(b.String()), start, end})
			b.Reset()
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case r == '\'' || r == '’':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			flush(i)
			if strings.ContainsRune(",;:()[]/&", r) {
				ws = append(ws, hsWord{string(r), i, i + 1})
			}
		}
	}
	flush(len(s))
	return ws
}

// hsDigits strips the dots and spaces from an HS code, as
// agreement.HSDigits does, without allocating when there are none.
func hsDigits(h string) string {
	if !strings.ContainsAny(h, ". ") {
		return h
	}
	return agreement.HSDigits(h)
}

// hasDigit reports whether a word holds a digit, as quantities and model
// numbers do.
func hasDigit(w string) bool {
	return strings.ContainsFunc(w, unicode.IsDigit)
}

func matchWords(key []string, ws []hsWord) bool {
	for i, k := range key {
		if ws[i].w != k {
			return false
		}
	}
	return true
}

// foldWords splits a keyword into folded words, as hsWords does.
func foldWords(s string) []string {
	ws := hsWords(s)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.w
	}
	return out
}

// hsFold folds a lower-case word's plural to its singular, crudely but the
// same way for descriptions and keywords: batteries battery, boxes box,
// watches watch, glasses glass, torpedoes torpedo, tyres tyre.
func hsFold(w string) string {
	n := len(w)
	switch {
	case n <= 3:
		return w
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:n-2]
	case strings.HasSuffix(w, "oes") && n > 6:
		return w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case w[n-1] == 's':
		return w[:n-1]
	}
	return w
}
