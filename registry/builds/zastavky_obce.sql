-- Dostupnost veřejné dopravy: zastávky a spoje na 1000 obyvatel v každé obci.
SELECT
    o.kod_obce,
    o.nazev AS obec,
    o.nazev_okresu AS okres,
    o.pocet_obyvatel,
    count(z.kod_zastavky) AS zastavek,
    count(z.kod_zastavky) FILTER (WHERE z.bezbarierova) AS bezbarierovych,
    coalesce(sum(z.spoju_pracovni_den), 0) AS spoju_denne,
    round(1000.0 * count(z.kod_zastavky) / nullif(o.pocet_obyvatel, 0), 2) AS zastavek_na_1000
FROM raw.obce AS o
LEFT JOIN raw.zastavky AS z ON z.kod_obce = o.kod_obce
GROUP BY o.kod_obce, o.nazev, o.nazev_okresu, o.pocet_obyvatel
