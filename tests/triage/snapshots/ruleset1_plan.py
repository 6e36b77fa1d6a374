"""A care plan stored under rule set 1, exactly as rule set 1's engine wrote it (generated once
from that engine; never regenerate it)."""

RULESET_1_PLAN = {
    "ruleset": "2026.11-1",
    "pathway": "conservative",
    "red_flags": [],
    "input_facts": {
        "age": 58,
        "days_since_onset": 10,
        "pain_score": 8,
        "muscle_spasm": True,
        "neuropathic_features": True,
        "declines_neck_manipulation": False,
        "muscle_relaxant_days": None,
        "progressive_neuro_deficit": False,
        "fever": False,
        "recent_bloodstream_infection": False,
        "malignancy_history": False,
        "iv_drug_use": False,
        "immunosuppression": False,
        "unexplained_weight_loss": False,
        "significant_trauma": False,
        "osteoporosis": False,
        "chronic_steroid_use": False,
        "bowel_bladder_dysfunction": False,
        "myelopathy_signs": False,
        "cervical_arterial_signs": False,
        "gi_bleed_or_ulcer": False,
        "severe_kidney_disease": False,
        "heart_failure": False,
        "cardiovascular_disease": True,
        "recent_myocardial_infarction": False,
        "arrhythmia_or_heart_block": False,
        "hyperthyroidism": False,
        "liver_disease": False,
        "narrow_angle_glaucoma": False,
        "nsaid_allergy_or_asthma": False,
        "pregnancy_weeks": None,
        "takes_anticoagulant": False,
        "takes_maoi": False,
        "takes_serotonergic_drug": True,
        "encounter_date": "2026-11-24",
    },
    "recommendations": [
        {
            "code": "NSAID_CAUTION",
            "indicator": "warning",
            "category": "caution",
            "summary": "If an NSAID is used, this patient needs extra care: the "
            "lowest dose for the shortest time.",
            "detail": "Extra care because of: heart or blood vessel disease or high "
            "blood pressure (NSAIDs raise the risk of heart attack and "
            "stroke and can raise blood pressure, so it is worth "
            "checking). If an NSAID is used, the lowest dose that works "
            "for the shortest time is advised, with a review at the day-14 "
            "visit.",
            "sources": ["FDA NSAID labels (boxed warning)"],
            "evidence": "",
        },
        {
            "code": "MUSCLE_RELAXANT_CAUTION",
            "indicator": "warning",
            "category": "caution",
            "summary": "Cyclobenzaprine with the patient's serotonin-acting medicine "
            "can cause serotonin syndrome; weigh this first.",
            "detail": "The patient takes a medicine that acts on serotonin (such as "
            "an SSRI, SNRI, tricyclic antidepressant or tramadol). Taken "
            "with cyclobenzaprine it can cause serotonin syndrome. If both "
            "are used, explain the warning signs (agitation, confusion, "
            "fast heartbeat, sweating, shaking, muscle twitching, fever) "
            "and advise stopping cyclobenzaprine and seeking care at once "
            "if they appear.",
            "sources": ["FDA cyclobenzaprine label (NDA 17-821)"],
            "evidence": "",
        },
        {
            "code": "DULOXETINE_CAUTION",
            "indicator": "warning",
            "category": "caution",
            "summary": "Duloxetine with this patient's other medicines raises the "
            "risk of serotonin syndrome and of bleeding.",
            "detail": "If duloxetine is used, extra care is needed. Serotonin "
            "syndrome, because the patient takes a serotonin-acting "
            "medicine and cyclobenzaprine is also suggested in this plan: "
            "explain the warning signs (agitation, confusion, fast "
            "heartbeat, sweating, shaking, fever) and advise seeking care "
            "at once if they appear. Bleeding, because an NSAID is also "
            "suggested in this plan: watch for easy bruising, black stools "
            "or other bleeding.",
            "sources": [
                "FDA duloxetine label (Cymbalta)",
                "FDA cyclobenzaprine label (NDA 17-821)",
            ],
            "evidence": "",
        },
        {
            "code": "AVOID_BED_REST",
            "indicator": "warning",
            "category": "do_not",
            "summary": "Prolonged bed rest is not advised: it weakens the body and slows recovery.",
            "detail": "Encourage the patient to stay as active as the pain allows "
            "and to keep up daily life. Short rests are fine, but days in "
            "bed weaken the muscles and make recovery slower.",
            "sources": ["S1", "ACP 2017 low back pain guideline"],
            "evidence": "moderate",
        },
        {
            "code": "AVOID_SYSTEMIC_CORTICOSTEROIDS",
            "indicator": "warning",
            "category": "do_not",
            "summary": "Steroid tablets or steroid injections into muscle are not "
            "advised for this pain: they work no better than a placebo.",
            "detail": "Oral or intramuscular corticosteroids are not advised for "
            "this neck and upper-back pain: trials found no benefit over "
            "placebo, and they have side effects. This does not concern "
            "steroids prescribed for another condition, which should not "
            "be stopped without the prescriber.",
            "sources": ["S1", "ACP 2017 low back pain guideline"],
            "evidence": "low",
        },
        {
            "code": "EXERCISE_THERAPY",
            "indicator": "info",
            "category": "do_now",
            "summary": "Supervised stretching and strengthening exercises, started "
            "early, are the first-line treatment.",
            "detail": "Consider a supervised programme of stretching and "
            "strengthening for the neck, shoulders and upper back, "
            "starting now rather than waiting for the pain to settle. It "
            "gives moderate pain relief.",
            "sources": ["S1"],
            "evidence": "moderate",
        },
        {
            "code": "SPINAL_MANIPULATION",
            "indicator": "info",
            "category": "do_now",
            "summary": "Manipulation of the upper back by a trained therapist may "
            "ease neck pain and help the neck move more freely.",
            "detail": "Consider referral to a trained therapist for spinal "
            "manipulation of the upper back, as part of the physical "
            "treatments alongside exercise. The intake found no warning "
            "signs of a neck artery problem. If dizziness, double vision, "
            "slurred speech, trouble swallowing, sudden falls or a sudden "
            "severe headache appear, manipulation stops and the patient is "
            "reviewed urgently.",
            "sources": ["S1", "S3", "IFOMPT cervical framework 2023"],
            "evidence": "",
        },
        {
            "code": "POSTURE_ERGONOMICS",
            "indicator": "info",
            "category": "do_now",
            "summary": "Physical therapy on posture and ergonomics may reduce the "
            "daily strain that keeps neck pain going.",
            "detail": "Consider physical therapy that looks at how the patient sits "
            "and stands, their work set-up (screen height, chair, breaks) "
            "and their sleeping position and pillow. Small, steady strains "
            "from these are behind most neck and upper-back pain.",
            "sources": ["S1", "S3"],
            "evidence": "",
        },
        {
            "code": "NSAID",
            "indicator": "info",
            "category": "consider",
            "summary": "An anti-inflammatory painkiller (NSAID) may be added to the "
            "physical treatments, never used on its own.",
            "detail": "Consider an NSAID such as ibuprofen or naproxen, at the "
            "lowest dose that works and for the shortest time, taken with "
            "food, as an add-on to the exercise and therapy plan rather "
            "than in place of it. It is the most effective medicine option "
            "here. Review at the day-14 visit.",
            "sources": ["S1"],
            "evidence": "moderate",
        },
        {
            "code": "MUSCLE_RELAXANT",
            "indicator": "info",
            "category": "consider",
            "summary": "Severe pain with spasm: a short course of the muscle "
            "relaxant cyclobenzaprine, 14 days at most, is an option.",
            "detail": "Consider cyclobenzaprine 5 mg by mouth three times a day, as "
            "an add-on to the exercise and physical therapy plan, for no "
            "more than 14 days in total. Stop date: Tuesday 8 December "
            "2026, 14 days from this visit. Drowsiness, dry mouth and "
            "dizziness are common: the patient is best advised not to "
            "drive or drink alcohol until they know how it affects them. "
            "The 14-day limit is this product's choice, following S1; it "
            "is stricter than the cyclobenzaprine label, which advises "
            "against use beyond 2 to 3 weeks.",
            "sources": ["S1", "S4", "FDA cyclobenzaprine label (NDA 17-821)"],
            "evidence": "",
        },
        {
            "code": "DULOXETINE_SECOND_LINE",
            "indicator": "info",
            "category": "consider",
            "summary": "If first-line care does not help the nerve-type pain, "
            "duloxetine may be considered as a second-line option.",
            "detail": "Nerve-type symptoms were reported (pain spreading down the "
            "arm, burning, numbness or tingling). Duloxetine has no place "
            "in the first weeks: consider it only if exercise, therapy and "
            "first-line medicines have not helped enough, for example at "
            "the 6-week review. For musculoskeletal pain the label starts "
            "at 30 mg once a day for 1 week, then 60 mg once a day; it is "
            "tapered, not stopped suddenly.",
            "sources": ["S1", "FDA duloxetine label (Cymbalta)"],
            "evidence": "",
        },
        {
            "code": "NO_ROUTINE_IMAGING",
            "indicator": "info",
            "category": "do_not",
            "summary": "No scan is needed now: without red flags imaging does not "
            "help and often shows harmless age-related changes.",
            "detail": "Without red flags, an X-ray, CT or MRI does not change care "
            "or speed recovery. Scans commonly show wear-and-tear changes "
            "in people with no pain at all, and such findings can mislead "
            "and worry. Imaging can be reconsidered if red flags appear.",
            "sources": ["S1", "ACR Appropriateness Criteria 2024"],
            "evidence": "",
        },
        {
            "code": "EXPECTED_COURSE",
            "indicator": "info",
            "category": "do_now",
            "summary": "Most episodes settle within about 2 months of this care, but "
            "nearly half of people keep some pain or have flare-ups.",
            "detail": "Most people improve a great deal within 6 to 8 weeks, and "
            "starting exercise early helps. About half keep some pain or "
            "have further episodes, so a slow recovery is not a failure. "
            "No red flags were found today, but a negative check cannot "
            "rule out every serious cause: the patient is encouraged to "
            "come back promptly if new symptoms appear, such as fever, "
            "increasing weakness or numbness, clumsy hands, unsteady "
            "walking, or bladder or bowel changes.",
            "sources": ["S5", "S6", "S1", "Cohen 2015, Mayo Clinic Proceedings"],
            "evidence": "",
        },
    ],
    "follow_ups": [
        {
            "day": 14,
            "purpose": "Medicine review: stop the muscle relaxant if one is being taken, "
            "and ask the red-flag questions again.",
        },
        {
            "day": 42,
            "purpose": "Six-week check: is the pain improving? If not, the plan is reviewed.",
        },
        {"day": 56, "purpose": "Two-month check: has the episode resolved?"},
    ],
}
