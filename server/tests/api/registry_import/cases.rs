//! The cases: each kind imports, a bad row keeps a file out, twice is
//! once, a fine paid here stays paid, GBK.

use super::*;
use app::features::bindings::api::BindOwnVehicle;

async fn a_good_file_of_each_kind_imports(app: TestApp) {
    // Persons: Chinese header, with a byte-order mark.
    let file = format!("\u{FEFF}{}", persons_csv(0..3));
    let r = import(&app, RegistryKind::Persons, &file).await;
    assert_eq!(r.encoding, Encoding::Utf8Bom, "{app}");
    assert_eq!((r.rows, counts(&r)), (3, (3, 0, 0, 0)), "{app}");
    let (id, name, phone) = person(1);
    let row = sqlx::query("SELECT name, phone, sex, birth_date FROM persons WHERE id_number = $1")
        .bind(&id)
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
    let birth = ResidentId::parse(&id).unwrap().birth_date().to_iso();
    let stored: (String, String, String, String) = (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(stored, (name, phone, "男".into(), birth), "{app}");

    // Vehicles: English keys.
    let r = import(&app, RegistryKind::Vehicles, &vehicles_csv(0..3, 1)).await;
    assert_eq!(counts(&r), (3, 0, 0, 0), "{app}");
    let row = sqlx::query("SELECT plate, owner_kind, owner_id, vehicle_type, registered_on FROM vehicles WHERE vin = $1")
        .bind(vin(2))
        .fetch_one(&app.platform.store.pool)
        .await
        .unwrap();
    let stored: (String, String, String, String, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    assert_eq!(
        stored,
        (
            plate(2),
            "person".into(),
            person(2).0,
            "K33".into(),
            "2020-01-03".into()
        ),
        "{app}"
    );

    let r = import(&app, RegistryKind::Licences, &licences_csv(0..3)).await;
    assert_eq!(counts(&r), (3, 0, 0, 0), "{app}");
    let points: i64 = app
        .scalar(
            "SELECT points FROM driving_licences WHERE id_number = $1",
            person(2).0,
        )
        .await;
    assert_eq!(points, 2, "{app}");

    let mut file = VIOLATION_HEADER.to_string();
    for i in 0..3 {
        file.push_str(&violation_row(i, &plate(i % 2)));
    }
    let r = import(&app, RegistryKind::Violations, &file).await;
    assert_eq!(counts(&r), (3, 0, 0, 0), "{app}");
    let row = sqlx::query(
        "SELECT x.vehicle_id, v.vin, x.occurred_at, x.status, x.fine_yuan, x.source FROM violations x
         JOIN vehicles v ON v.id = x.vehicle_id WHERE x.record_no = $1",
    )
    .bind(record_no(2))
    .fetch_one(&app.platform.store.pool)
    .await
    .unwrap();
    let beijing_0830 = Date::new(2025, 6, 3).unwrap().days_since_epoch() * 86_400_000 + 30 * 60_000;
    assert_eq!(
        row.get::<String, _>(1),
        vin(0),
        "{app}: on the plate's vehicle"
    );
    assert_eq!(row.get::<i64, _>(2), beijing_0830, "{app}");
    assert_eq!(row.get::<String, _>(3), "unhandled", "{app}");
    assert_eq!(row.get::<i64, _>(4), 100, "{app}");
    assert_eq!(row.get::<String, _>(5), "surveillance", "{app}");
}
both_backends!(a_good_file_of_each_kind_imports);

async fn a_file_with_one_bad_row_imports_nothing_and_names_the_line(app: TestApp) {
    let before = snapshot(&app).await;
    // Line 4 (the third person) has a wrong check digit.
    let mut lines: Vec<String> = persons_csv(10..15).lines().map(str::to_string).collect();
    let bad = &mut lines[3];
    let last = if bad.as_bytes()[17] == b'1' { "2" } else { "1" };
    bad.replace_range(17..18, last);
    let problems = refused(&app, RegistryKind::Persons, &lines.join("\n")).await;
    assert_eq!(problems.len(), 1, "{app}: {problems:?}");
    assert_eq!(problems[0].line, 4, "{app}");
    assert_eq!(
        problems[0].column.map(|c| c.key),
        Some("id_number"),
        "{app}"
    );
    assert!(problems[0].en.contains("check"), "{app}: {}", problems[0]);
    assert_eq!(snapshot(&app).await, before, "{app}: nothing from the file");

    // Against the registry: a licence whose holder is not on record.
    let problems = refused(&app, RegistryKind::Licences, &licences_csv(20..22)).await;
    let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 3], "{app}: {problems:?}");
    assert!(problems[0].en.contains("import the persons first"), "{app}");

    // A plate a demo vehicle keeps; a violation on a plate not on record.
    import(&app, RegistryKind::Persons, &persons_csv(10..12)).await;
    let taken: String = app
        .scalar("SELECT MIN(plate) FROM vehicles WHERE vin <> $1", vin(99))
        .await;
    // One run names every problem: a bad value (line 2), a plate another
    // vehicle keeps (line 3), an owner not on record (line 4).
    let file = vehicles_csv(10..13, 1)
        .replace(&plate(11), &taken)
        .replace(&format!(",{}\n", person(10).2), ",12345\n");
    let problems = refused(&app, RegistryKind::Vehicles, &file).await;
    let named: Vec<(u64, Option<&str>)> = problems
        .iter()
        .map(|p| (p.line, p.column.map(|c| c.key)))
        .collect();
    assert_eq!(
        named,
        [
            (2, Some("phone")),
            (3, Some("plate")),
            (4, Some("owner_id"))
        ],
        "{app}: {problems:?}"
    );
    let file = format!("{VIOLATION_HEADER}{}", violation_row(5, &plate(77)));
    let problems = refused(&app, RegistryKind::Violations, &file).await;
    assert!(
        problems[0].en.contains("no vehicle with plate 冀R00077"),
        "{app}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM violations WHERE record_no IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM vehicles WHERE plate LIKE '冀R%'")
            .await,
        0
    );
}
both_backends!(a_file_with_one_bad_row_imports_nothing_and_names_the_line);

async fn running_the_same_files_twice_changes_nothing(app: TestApp) {
    let files = [
        (RegistryKind::Persons, persons_csv(30..40)),
        // Vehicles 60 to 79, two for each person.
        (RegistryKind::Vehicles, vehicles_csv(60..80, 2)),
        (RegistryKind::Licences, licences_csv(30..40)),
        (RegistryKind::Violations, {
            let mut f = VIOLATION_HEADER.to_string();
            for i in 30..45 {
                f.push_str(&violation_row(i, &plate(60 + i % 20)));
            }
            f
        }),
    ];
    for (kind, file) in &files {
        let r = import(&app, *kind, file).await;
        assert_eq!(r.applied.added, r.rows, "{app}: {kind:?}");
    }
    let first = snapshot(&app).await;
    // Later: a rewritten row would get a new updated_at.
    app.clock.advance_secs(3600);
    for (kind, file) in &files {
        let r = import(&app, *kind, file).await;
        assert_eq!(counts(&r), (0, 0, r.rows, 0), "{app}: {kind:?}");
    }
    assert_eq!(
        snapshot(&app).await,
        first,
        "{app}: the second run changed the database"
    );
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'registry.import'";
    assert_eq!(app.count(audited).await, 4, "{app}: the first run only");

    // One new address: one row changed, its time stamp only.
    let (id, _, _) = person(33);
    let file = files[0].1.replace("建设路33号", "建设路330号");
    let r = import(&app, RegistryKind::Persons, &file).await;
    assert_eq!(counts(&r), (0, 1, 9, 0), "{app}");
    let changed: Vec<String> = snapshot(&app)
        .await
        .into_iter()
        .filter(|row| !first.contains(row))
        .collect();
    assert_eq!(changed.len(), 1, "{app}: {changed:?}");
    assert!(
        changed[0].contains(&id) && changed[0].contains("建设路330号"),
        "{app}"
    );

    // Two vehicles swap plates in one file; a third is deregistered.
    let file = vehicles_csv(60..80, 2)
        .replace(&plate(60), "SWAP")
        .replace(&plate(61), &plate(60))
        .replace("SWAP", &plate(61))
        .replace(&format!("{},", plate(62)), ",");
    let r = import(&app, RegistryKind::Vehicles, &file).await;
    assert_eq!(counts(&r), (0, 3, 17, 0), "{app}");
    let plate_of = |i: usize| {
        let app = &app;
        async move {
            sqlx::query("SELECT plate FROM vehicles WHERE vin = $1")
                .bind(vin(i))
                .fetch_one(&app.platform.store.pool)
                .await
                .unwrap()
                .get::<Option<String>, _>(0)
        }
    };
    assert_eq!(plate_of(60).await, Some(plate(61)), "{app}");
    assert_eq!(plate_of(61).await, Some(plate(60)), "{app}");
    assert_eq!(plate_of(62).await, None, "{app}");
}
both_backends!(running_the_same_files_twice_changes_nothing);

async fn a_fine_paid_here_is_not_undone_and_the_conflict_is_reported(app: TestApp) {
    let owner = logged_in(&app, "Online-registered individual").await;
    let (car, car_plate, _) = online_owner_fleet(&app).await;
    app.call_fn(&owner, BindOwnVehicle { vehicle_id: car })
        .await
        .unwrap();
    let mut file = VIOLATION_HEADER.to_string();
    for i in 60..63 {
        file.push_str(&violation_row(i, &car_plate));
    }
    let r = import(&app, RegistryKind::Violations, &file).await;
    assert_eq!(counts(&r), (3, 0, 0, 0), "{app}");
    let id_of = |i: usize| {
        app.scalar::<i64, _>(
            "SELECT id FROM violations WHERE record_no = $1",
            record_no(i),
        )
    };
    let (paid, handled) = (id_of(60).await, id_of(61).await);

    // On this platform: 60 handled and paid at the bank, 61 handled.
    app.handle_violation(&owner, paid, true)
        .await
        .expect("handle");
    app.pay_through_bank(&owner, paid).await;
    app.handle_violation(&owner, handled, true)
        .await
        .expect("handle");
    let status =
        |id: i64| app.scalar::<String, _>("SELECT status FROM violations WHERE id = $1", id);
    assert_eq!(status(paid).await, "paid", "{app}");
    assert_eq!(status(handled).await, "handled_unpaid", "{app}");
    let before = snapshot(&app).await;

    // The registry still says 未处理 for all three, and has a fourth.
    file.push_str(&violation_row(63, &car_plate));
    let r = import(&app, RegistryKind::Violations, &file).await;
    assert_eq!(counts(&r), (1, 0, 1, 2), "{app}");
    let conflicts: Vec<(u64, &str, &str)> = r
        .applied
        .conflicts
        .iter()
        .map(|c| (c.line, c.record_no.as_str(), c.ours.code()))
        .collect();
    assert_eq!(
        conflicts,
        [
            (2, record_no(60).as_str(), "paid"),
            (3, record_no(61).as_str(), "handled_unpaid")
        ],
        "{app}"
    );
    let printed = report_lines(&r, 0.0).join("\n");
    assert!(
        printed.contains(&format!("line 2, 违法记录编号 {}", record_no(60))),
        "{printed}"
    );
    assert!(printed.contains("ours is kept"), "{printed}");
    assert!(
        printed.contains("1 added, 0 changed, 1 unchanged, 2 kept as handled or paid here"),
        "{printed}"
    );
    let after = snapshot(&app).await;
    let gone: Vec<&String> = before.iter().filter(|row| !after.contains(row)).collect();
    assert!(gone.is_empty(), "{app}: the import changed {gone:?}");
    assert_eq!(status(paid).await, "paid", "{app}");
    assert_eq!(status(id_of(63).await).await, "unhandled", "{app}");

    // Paid at a bank counter, says the registry: a step on, not back.
    let decided = "2025-06-20,1302032025000061";
    let file = format!(
        "{VIOLATION_HEADER}{}",
        violation_row(61, &car_plate).replace("未处理", &format!("paid,{decided}"))
    )
    .replace("处理状态\n", "处理状态,处罚决定日期,处罚决定书编号\n");
    let r = import(&app, RegistryKind::Violations, &file).await;
    assert_eq!(counts(&r), (0, 1, 0, 0), "{app}");
    assert_eq!(status(handled).await, "paid", "{app}");
}
both_backends!(a_fine_paid_here_is_not_undone_and_the_conflict_is_reported);

async fn a_gbk_file_imports(app: TestApp) {
    let text = persons_csv(70..75);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable && std::str::from_utf8(&bytes).is_err());
    let r = import_registry(&app.platform.store, RegistryKind::Persons, &bytes)
        .await
        .unwrap_or_else(|e| panic!("{app}: {e:?}"));
    assert_eq!(r.encoding, Encoding::Gbk, "{app}");
    assert_eq!(counts(&r), (5, 0, 0, 0), "{app}");
    for i in 70..75 {
        let (id, name, _) = person(i);
        let stored: String = app
            .scalar(
                "SELECT name || '|' || address FROM persons WHERE id_number = $1",
                id,
            )
            .await;
        assert_eq!(stored, format!("{name}|唐山市路北区建设路{i}号"), "{app}");
    }
    // The same file in UTF-8 is the same registry: nothing to change.
    let r = import(&app, RegistryKind::Persons, &text).await;
    assert_eq!(counts(&r), (0, 0, 5, 0), "{app}");
}
both_backends!(a_gbk_file_imports);
