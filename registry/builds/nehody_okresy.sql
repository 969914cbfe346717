-- Nehodovost v okresech: nehody a zranění na 1000 obyvatel, pořadí okresů.
WITH obyvatele AS (
    SELECT kod_okresu, nazev_okresu, sum(pocet_obyvatel) AS obyvatel
    FROM raw.obce
    GROUP BY kod_okresu, nazev_okresu
),
nehody AS (
    SELECT o.kod_okresu,
           count(*) AS nehod,
           sum(n.usmrceno) AS usmrcenych,
           sum(n.tezce_zraneno + n.lehce_zraneno) AS zranenych
    FROM raw.dopravni_nehody AS n
    JOIN raw.obce AS o ON o.kod_obce = n.kod_obce
    WHERE n.datum IS NOT NULL
    GROUP BY o.kod_okresu
)
SELECT
    y.kod_okresu,
    y.nazev_okresu AS okres,
    y.obyvatel,
    coalesce(h.nehod, 0) AS nehod,
    coalesce(h.usmrcenych, 0) AS usmrcenych,
    coalesce(h.zranenych, 0) AS zranenych,
    round(1000.0 * coalesce(h.nehod, 0) / y.obyvatel, 2) AS nehod_na_1000,
    rank() OVER (ORDER BY coalesce(h.nehod, 0) * 1.0 / y.obyvatel DESC) AS poradi
FROM obyvatele AS y
LEFT JOIN nehody AS h ON h.kod_okresu = y.kod_okresu
