extension DishLexicon {
    /// Common Korean dishes and drinks across the restaurant kinds (한식, 국밥, 고깃집, 냉면, 포차, 횟집, 분식, 중식,
    /// 족발·보쌈, 카페, 주류), one per line: the name as restaurants print it, then, after a tab, the English name
    /// restaurants use for visitors where there is a settled one. A test checks there are no duplicates.
    static let entriesText = """
        김치찌개\tKimchi Stew
        된장찌개\tSoybean Paste Stew
        순두부찌개\tSoft Tofu Stew
        부대찌개\tArmy Stew
        청국장\tRich Soybean Paste Stew
        동태찌개\tPollack Stew
        고추장찌개\tRed Pepper Paste Stew
        참치김치찌개\tTuna Kimchi Stew
        비빔밥\tBibimbap
        돌솥비빔밥\tHot Stone Bibimbap
        육회비빔밥\tBeef Tartare Bibimbap
        산채비빔밥\tWild Vegetable Bibimbap
        제육볶음\tSpicy Stir-fried Pork
        오징어볶음\tStir-fried Squid
        낙지볶음\tStir-fried Octopus
        쭈꾸미볶음\tStir-fried Webfoot Octopus
        불고기\tBulgogi
        뚝배기불고기\tBulgogi Hot Pot
        갈비찜\tBraised Short Ribs
        닭볶음탕\tSpicy Braised Chicken
        찜닭\tBraised Chicken
        안동찜닭\tAndong Braised Chicken
        고등어구이\tGrilled Mackerel
        갈치구이\tGrilled Hairtail
        갈치조림\tBraised Hairtail
        고등어조림\tBraised Mackerel
        코다리조림\tBraised Half-dried Pollack
        삼치구이\tGrilled Spanish Mackerel
        생선구이\tGrilled Fish
        김치볶음밥\tKimchi Fried Rice
        계란말이\tRolled Omelette
        치즈계란말이\tCheese Rolled Omelette
        계란찜\tSteamed Egg
        해물파전\tSeafood Pancake
        김치전\tKimchi Pancake
        감자전\tPotato Pancake
        부추전\tChive Pancake
        녹두전\tMung Bean Pancake
        빈대떡\tMung Bean Pancake
        모둠전\tAssorted Pancakes
        동그랑땡\tPan-fried Meatballs
        잡채\tGlass Noodles
        떡갈비\tGrilled Short Rib Patties
        보리밥\tBarley Rice
        쌈밥\tLeaf Wraps and Rice
        우렁쌈밥\tSnail Ssambap
        정식\tSet Meal
        백반\tHome-style Meal
        한정식\tKorean Table d'hote
        공기밥\tRice
        누룽지\tScorched Rice
        돼지국밥\tPork and Rice Soup
        순대국밥\tSundae and Rice Soup
        순대국\tSundae Soup
        소머리국밥\tOx Head Rice Soup
        콩나물국밥\tBean Sprout Rice Soup
        설렁탕\tOx Bone Soup
        곰탕\tBeef Bone Soup
        갈비탕\tShort Rib Soup
        육개장\tSpicy Beef Soup
        내장탕\tBeef Tripe Soup
        선지해장국\tBlood Sausage Hangover Soup
        해장국\tHangover Soup
        뼈해장국\tPork Bone Hangover Soup
        감자탕\tPork Bone Soup
        도가니탕\tOx Knee Soup
        꼬리곰탕\tOxtail Soup
        삼계탕\tGinseng Chicken Soup
        추어탕\tLoach Soup
        수육\tBoiled Pork
        순대\tKorean Sausage
        머릿고기\tPork Head Meat
        편육\tSliced Boiled Meat
        삼겹살\tPork Belly
        오겹살\tPork Belly with Skin
        목살\tPork Neck
        항정살\tPork Jowl
        가브리살\tPork Shoulder
        갈매기살\tPork Skirt
        돼지갈비\tPork Ribs
        양념돼지갈비\tMarinated Pork Ribs
        소갈비\tBeef Ribs
        양념갈비\tMarinated Ribs
        생갈비\tFresh Beef Ribs
        LA갈비\tLA Galbi
        차돌박이\tBeef Brisket
        우삼겹\tBeef Belly
        등심\tSirloin
        안심\tTenderloin
        갈비살\tRib Finger Meat
        꽃등심\tMarbled Sirloin
        육회\tBeef Tartare
        껍데기\tPork Skin
        막창\tGrilled Intestines
        곱창\tGrilled Tripe
        대창\tLarge Intestines
        곱창전골\tTripe Hot Pot
        불고기전골\tBulgogi Hot Pot
        된장술밥
        물냉면\tCold Buckwheat Noodles
        비빔냉면\tSpicy Cold Noodles
        회냉면\tCold Noodles with Raw Fish
        열무냉면\tYoung Radish Cold Noodles
        냉면\tCold Noodles
        밀면\tBusan Cold Wheat Noodles
        막국수\tBuckwheat Noodles
        온면\tWarm Noodles
        온반
        만두\tDumplings
        왕만두\tLarge Dumplings
        고기만두\tMeat Dumplings
        김치만두\tKimchi Dumplings
        군만두\tFried Dumplings
        물만두\tBoiled Dumplings
        만둣국\tDumpling Soup
        떡만둣국\tRice Cake and Dumpling Soup
        떡국\tRice Cake Soup
        칼국수\tKnife-cut Noodles
        바지락칼국수\tClam Knife-cut Noodles
        수제비\tHand-torn Noodle Soup
        잔치국수\tBanquet Noodles
        비빔국수\tSpicy Mixed Noodles
        콩국수\tCold Soybean Noodles
        쟁반국수\tPlatter Noodles
        닭발\tChicken Feet
        무뼈닭발\tBoneless Chicken Feet
        오돌뼈\tPork Cartilage
        골뱅이무침\tSpicy Sea Snails
        두부김치\tTofu with Kimchi
        계란탕\tEgg Soup
        어묵탕\tFish Cake Soup
        오뎅탕\tFish Cake Soup
        소시지야채볶음\tSausage and Vegetables
        주먹밥\tRice Balls
        감자튀김\tFrench Fries
        똥집튀김\tFried Gizzards
        치킨\tFried Chicken
        후라이드치킨\tFried Chicken
        양념치킨\tSeasoned Fried Chicken
        반반치킨\tHalf and Half Chicken
        닭강정\tSweet Crispy Chicken
        마른안주\tDried Snacks
        과일안주\tFruit Platter
        나가사키짬뽕
        광어회\tFlatfish Sashimi
        우럭회\tRockfish Sashimi
        모둠회\tAssorted Sashimi
        연어회\tSalmon Sashimi
        참치회\tTuna Sashimi
        활어회\tFresh Fish Sashimi
        물회\tCold Raw Fish Soup
        회덮밥\tRaw Fish Bibimbap
        매운탕\tSpicy Fish Stew
        지리탕\tClear Fish Soup
        산낙지\tLive Octopus
        멍게\tSea Squirt
        해삼\tSea Cucumber
        전복죽\tAbalone Porridge
        전복구이\tGrilled Abalone
        대게\tSnow Crab
        킹크랩\tKing Crab
        새우튀김\tFried Shrimp
        오징어숙회\tBlanched Squid
        문어숙회\tBlanched Octopus
        과메기\tHalf-dried Saury
        조개구이\tGrilled Clams
        장어구이\tGrilled Eel
        해물탕\tSeafood Stew
        알탕\tFish Roe Stew
        아구찜\tBraised Monkfish
        해물찜\tBraised Seafood
        떡볶이\tTteokbokki
        라볶이\tRamen Tteokbokki
        치즈떡볶이\tCheese Tteokbokki
        튀김\tFritters
        모둠튀김\tAssorted Fritters
        김밥\tGimbap
        참치김밥\tTuna Gimbap
        치즈김밥\tCheese Gimbap
        야채김밥\tVegetable Gimbap
        돈까스김밥\tPork Cutlet Gimbap
        꼬마김밥\tMini Gimbap
        라면\tRamen
        치즈라면\tCheese Ramen
        떡라면\tRice Cake Ramen
        만두라면\tDumpling Ramen
        쫄면\tChewy Spicy Noodles
        우동\tUdon
        어묵\tFish Cake
        돈까스\tPork Cutlet
        왕돈까스\tLarge Pork Cutlet
        치즈돈까스\tCheese Pork Cutlet
        생선까스\tFish Cutlet
        오므라이스\tOmelette Rice
        카레라이스\tCurry Rice
        제육덮밥\tSpicy Pork Rice Bowl
        오징어덮밥\tSpicy Squid Rice Bowl
        짜장면\tBlack Bean Noodles
        간짜장\tDry Black Bean Noodles
        삼선짜장\tSeafood Black Bean Noodles
        쟁반짜장\tPlatter Black Bean Noodles
        짬뽕\tSpicy Seafood Noodles
        삼선짬뽕\tSpicy Seafood Noodles Deluxe
        굴짬뽕\tOyster Noodle Soup
        짬뽕밥\tSpicy Seafood Rice Soup
        짜장밥\tBlack Bean Rice
        볶음밥\tFried Rice
        새우볶음밥\tShrimp Fried Rice
        잡채밥\tGlass Noodles with Rice
        마파두부\tMapo Tofu
        마파두부밥\tMapo Tofu Rice
        울면\tThick Noodle Soup
        기스면\tChicken Noodle Soup
        탕수육\tSweet and Sour Pork
        깐풍기\tSpicy Garlic Chicken
        양장피\tSeafood and Vegetables with Mustard
        유산슬\tStir-fried Seafood
        팔보채\tEight Treasures
        고추잡채\tPepper Stir-fry
        깐쇼새우\tChili Shrimp
        크림새우\tCream Shrimp
        멘보샤\tShrimp Toast
        꽃빵\tSteamed Buns
        족발\tPork Trotters
        보쌈\tBossam
        반반족발\tHalf and Half Trotters
        불족발\tSpicy Trotters
        냉채족발\tCold Trotter Salad
        마늘보쌈\tGarlic Bossam
        굴보쌈\tOyster Bossam
        미니족발\tMini Trotters
        아메리카노\tAmericano
        카페라떼\tCafe Latte
        카푸치노\tCappuccino
        바닐라라떼\tVanilla Latte
        카라멜마끼아또\tCaramel Macchiato
        카페모카\tCafe Mocha
        콜드브루\tCold Brew
        에스프레소\tEspresso
        플랫화이트\tFlat White
        녹차라떼\tGreen Tea Latte
        고구마라떼\tSweet Potato Latte
        초코라떼\tChocolate Latte
        자몽에이드\tGrapefruit Ade
        레몬에이드\tLemonade
        청포도에이드\tGreen Grape Ade
        딸기스무디\tStrawberry Smoothie
        망고스무디\tMango Smoothie
        요거트스무디\tYogurt Smoothie
        밀크티\tMilk Tea
        유자차\tCitron Tea
        생강차\tGinger Tea
        대추차\tJujube Tea
        허브티\tHerbal Tea
        캐모마일\tChamomile
        얼그레이\tEarl Grey
        치즈케이크\tCheesecake
        티라미수\tTiramisu
        크로플\tCroffle
        와플\tWaffle
        마카롱\tMacaron
        빙수\tShaved Ice
        팥빙수\tRed Bean Shaved Ice
        소주\tSoju
        맥주\tBeer
        생맥주\tDraft Beer
        병맥주\tBottled Beer
        막걸리\tMakgeolli
        동동주\tDongdongju
        청하\tCheongha
        복분자주\tBlack Raspberry Wine
        매화수\tMaehwasu
        백세주\tBaekseju
        하이볼\tHighball
        와인\tWine
        콜라\tCoke
        사이다\tSprite
        환타\tFanta
        음료수\tSoft Drink
        식혜\tSweet Rice Drink
        수정과\tCinnamon Punch
        매실차\tPlum Tea
        오렌지주스\tOrange Juice
        생수\tWater
        공깃밥\tRice
        라면사리\tExtra Ramen Noodles
        우동사리\tExtra Udon Noodles
        치즈사리\tExtra Cheese
        떡사리\tExtra Rice Cake
        볶음밥추가\tFried Rice Add-on
        """
}
