//! The load (负载): workers take people from one queue and go through what
//! each came for with the server functions real clients call — a new-car
//! owner holds a number and confirms it, a learner books an exam, a
//! window-registered owner applies for a document, handles each fine and
//! pays it at the (simulated) bank. Every answer is sorted: acknowledged
//! (a success answer, read whole), refused by a rule, lost in transport
//! (before or after the kill), or a fault (anything else).

use super::seed::{Citizen, Crowd, Learner, Person, PlateOwner};
use app::features::applications::api::SubmitApplication;
use app::features::exams::api::BookExam;
use app::features::fines::api::{HandleViolation, PayFine};
use app::features::plates::api::{ConfirmPlate, HoldCustomPlate};
use leptos::server_fn::ServerFn;
use rand::seq::SliceRandom;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// An operation whose success the client was told.
#[derive(Clone, Debug)]
pub enum Acked {
    /// A violation handled (the penalty decision, 处罚决定).
    Decided { violation: i64 },
    /// A payment order opened for it.
    Opened { violation: i64, order_no: String },
    /// Paid at the bank, and the browser sent on to this receipt.
    Paid {
        violation: i64,
        receipt_no: String,
        token: String,
    },
    /// A number held for the vehicle.
    Held { vin: String, plate: String },
    /// The held number confirmed.
    Confirmed { vin: String, plate: String },
    /// An exam booking.
    Booked { account: i64, booking: i64 },
    /// An application submitted.
    Submitted {
        account: i64,
        application_no: String,
    },
}

/// What the clients saw.
#[derive(Default)]
pub struct Ledger {
    pub acked: Vec<Acked>,
    pub refused: usize,
    /// Requests that got no answer after the kill (in flight when the
    /// server died, or sent to it dead).
    pub lost_after_kill: usize,
    /// Requests that got no answer while the server was alive: a fault.
    pub lost_before_kill: Vec<String>,
    /// Answers that were neither success nor a rule's refusal.
    pub faults: Vec<String>,
}

/// One person's errand.
#[derive(Clone)]
enum Errand {
    Plate(PlateOwner),
    Exam(Learner),
    Citizen(Citizen),
}

/// The load in progress: the queue, the shared ledger and the kill flag.
#[derive(Clone)]
pub struct Load {
    base: String,
    client: reqwest::Client,
    queue: Arc<Mutex<VecDeque<Errand>>>,
    pool: Arc<Vec<String>>,
    pub ledger: Arc<Mutex<Ledger>>,
    pub acked: Arc<AtomicUsize>,
    /// Set just before the kill: a lost request after it is expected.
    pub killed: Arc<AtomicBool>,
}

/// Why a request came to nothing.
enum Stop {
    /// The server is gone (or never answered): the worker stops.
    Lost,
    /// Refused by a rule or a fault: on to the next errand.
    Next,
}

impl Load {
    /// The crowd's errands, the kinds interleaved so that all of them are
    /// under way at any moment.
    pub fn new(base: &str, crowd: &Crowd) -> Load {
        let mut queue = VecDeque::new();
        let longest = crowd
            .plate_owners
            .len()
            .max(crowd.learners.len())
            .max(crowd.citizens.len());
        for i in 0..longest {
            queue.extend(crowd.plate_owners.get(i).cloned().map(Errand::Plate));
            queue.extend(crowd.learners.get(i).cloned().map(Errand::Exam));
            queue.extend(crowd.citizens.get(i).cloned().map(Errand::Citizen));
        }
        Load {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
            queue: Arc::new(Mutex::new(queue)),
            pool: Arc::new(crowd.pool.clone()),
            ledger: Arc::default(),
            acked: Arc::default(),
            killed: Arc::default(),
        }
    }

    /// Starts `n` workers; each runs until the queue is empty or the
    /// server stops answering.
    pub fn start(&self, n: usize) -> Vec<tokio::task::JoinHandle<()>> {
        (0..n)
            .map(|w| {
                let load = self.clone();
                tokio::spawn(async move {
                    let mut rng =
                        <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(w as u64);
                    loop {
                        let next = load.queue.lock().unwrap().pop_front();
                        let Some(errand) = next else { return };
                        if load.killed.load(Ordering::SeqCst) {
                            return;
                        }
                        if let Err(Stop::Lost) = load.run(errand, &mut rng).await {
                            return;
                        }
                    }
                })
            })
            .collect()
    }

    /// Errands not started yet.
    pub fn waiting(&self) -> usize {
        self.queue.lock().unwrap().len()
    }

    fn ack(&self, acked: Acked) {
        self.ledger.lock().unwrap().acked.push(acked);
        self.acked.fetch_add(1, Ordering::SeqCst);
    }

    async fn run(&self, errand: Errand, rng: &mut rand::rngs::StdRng) -> Result<(), Stop> {
        match errand {
            Errand::Plate(owner) => self.plate(&owner, rng).await,
            Errand::Exam(learner) => {
                let booking = self
                    .call(
                        &learner.person,
                        BookExam {
                            session_id: learner.session,
                        },
                    )
                    .await?;
                self.ack(Acked::Booked {
                    account: learner.person.account,
                    booking: booking.as_i64().expect("a booking id"),
                });
                Ok(())
            }
            Errand::Citizen(citizen) => self.citizen(&citizen).await,
        }
    }

    /// Holds a number (another one when it is gone, six tries), then
    /// confirms it.
    async fn plate(&self, owner: &PlateOwner, rng: &mut rand::rngs::StdRng) -> Result<(), Stop> {
        let vin = owner.vin.clone();
        let mut held = false;
        for _ in 0..6 {
            let plate = self.pool.choose(rng).expect("a pool");
            let serial = plate.trim_start_matches("冀A").to_string();
            let args = HoldCustomPlate {
                vin: vin.clone(),
                serial,
            };
            match self.call(&owner.person, args).await {
                Ok(hold) => {
                    let plate = hold["plate"].as_str().expect("the held number");
                    self.ack(Acked::Held {
                        vin: vin.clone(),
                        plate: plate.to_string(),
                    });
                    held = true;
                    break;
                }
                Err(Stop::Next) => continue,
                Err(lost) => return Err(lost),
            }
        }
        if held {
            let plate = self
                .call(&owner.person, ConfirmPlate { vin: vin.clone() })
                .await?;
            let plate = plate.as_str().expect("the confirmed number").to_string();
            self.ack(Acked::Confirmed { vin, plate });
        }
        Ok(())
    }

    /// Applies for a replacement plate (V2, collected in person), then
    /// handles and pays each fine.
    async fn citizen(&self, citizen: &Citizen) -> Result<(), Stop> {
        let person = &citizen.person;
        let application = SubmitApplication {
            service: "V2".into(),
            subject: format!("v:{}", citizen.vehicle),
            fulfilment: Some("self_pickup".into()),
            recipient: None,
            recipient_phone: None,
            address: None,
            reason: None,
            new_date: None,
        };
        match self.call(person, application).await {
            Ok(no) => self.ack(Acked::Submitted {
                account: person.account,
                application_no: no.as_str().expect("an application number").into(),
            }),
            Err(Stop::Next) => {}
            Err(lost) => return Err(lost),
        }
        for &violation in &citizen.violations {
            let handle = HandleViolation {
                violation_id: violation,
                confirm: Some("yes".into()),
            };
            self.call(person, handle).await?;
            self.ack(Acked::Decided { violation });
            let checkout = self
                .call(
                    person,
                    PayFine {
                        violation_id: violation,
                    },
                )
                .await?;
            let checkout = checkout.as_str().expect("the checkout address");
            let order_no = checkout.rsplit('=').next().unwrap().to_string();
            self.ack(Acked::Opened {
                violation,
                order_no: order_no.clone(),
            });
            // The payer confirms at the bank; the bank notifies the
            // platform and sends the browser back, which goes on to the
            // receipt once the payment is recorded.
            let back = self
                .redirect(
                    self.client
                        .post(format!("{}/dev/bank/pay", self.base))
                        .form(&[("order_no", &order_no)]),
                )
                .await?;
            let receipt = self
                .redirect(
                    self.client
                        .get(format!("{}{back}", self.base))
                        .header("cookie", cookie(person)),
                )
                .await?;
            let Some(receipt_no) = receipt.strip_prefix("/account/receipts/") else {
                return Err(self.fault(format!("the return went to {receipt}")));
            };
            self.ack(Acked::Paid {
                violation,
                receipt_no: receipt_no.to_string(),
                token: person.token.clone(),
            });
        }
        Ok(())
    }

    /// Calls a server function as a browser's script does.
    async fn call<F>(&self, person: &Person, args: F) -> Result<Value, Stop>
    where
        F: ServerFn + serde::Serialize,
    {
        let sent = self
            .client
            .post(format!("{}{}", self.base, F::url()))
            .header("cookie", cookie(person))
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .form(&args)
            .send()
            .await;
        let res = sent.map_err(|e| self.lost(e))?;
        let status = res.status();
        let text = res.text().await.map_err(|e| self.lost(e))?;
        if status.is_success() {
            return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
        }
        use app::error::AppError;
        match serde_json::from_str::<AppError>(&text) {
            Ok(
                AppError::Fields(_)
                | AppError::Conflict(_)
                | AppError::NotAllowed(_)
                | AppError::RateLimited { .. },
            ) => {
                self.ledger.lock().unwrap().refused += 1;
                Err(Stop::Next)
            }
            _ => Err(self.fault(format!("{} {status}: {text:.300}", F::url()))),
        }
    }

    /// Sends a request that must answer 303; answers where it points.
    async fn redirect(&self, request: reqwest::RequestBuilder) -> Result<String, Stop> {
        let res = request
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .map_err(|e| self.lost(e))?;
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // Read to the end: a cut-off answer is a lost one.
        let text = res.text().await.map_err(|e| self.lost(e))?;
        match location {
            Some(to) if status == 303 => Ok(to),
            _ => Err(self.fault(format!("{status} without a redirect: {text:.300}"))),
        }
    }

    fn lost(&self, e: reqwest::Error) -> Stop {
        let mut ledger = self.ledger.lock().unwrap();
        if self.killed.load(Ordering::SeqCst) {
            ledger.lost_after_kill += 1;
        } else {
            ledger.lost_before_kill.push(e.to_string());
        }
        Stop::Lost
    }

    fn fault(&self, why: String) -> Stop {
        self.ledger.lock().unwrap().faults.push(why);
        Stop::Next
    }
}

/// The `Cookie` header of the person's session.
pub fn cookie(person: &Person) -> String {
    format!("{}={}", app::policy::SESSION_COOKIE, person.token)
}
