"""Plain-language wording of every fact: a short label, the question, and a hint to read aloud."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from triage.guideline.facts import CLEARED_RED_FLAGS_KEY, INTAKE_KEYS, VISIT_KEYS


@dataclass(frozen=True, slots=True)
class FactSpec:
    """How a form asks for one fact."""

    key: str
    label: str
    question: str
    hint: str


def _specs(*rows: tuple[str, str, str, str]) -> MappingProxyType[str, FactSpec]:
    return MappingProxyType({row[0]: FactSpec(*row) for row in rows})


FACT_SPECS = _specs(
    (
        "age",
        "Age",
        "How old is the patient today, in years?",
        "Age on the day of this visit. This service is for people aged 16 and over.",
    ),
    (
        "days_since_onset",
        "Days since the pain started",
        "How many days ago did this episode of pain start?",
        "Count from the first day of this episode to today; enter 0 if it started today.",
    ),
    (
        "pain_score",
        "Pain score (0-10)",
        "On average over the last 24 hours, how bad has the pain been from 0 to 10?",
        "0 means no pain at all and 10 means the worst pain you can imagine.",
    ),
    (
        "muscle_spasm",
        "Muscle spasm",
        "Is there muscle spasm near the neck or upper back?",
        "A tight, knotted or cramping muscle that the patient feels or that you can feel.",
    ),
    (
        "neuropathic_features",
        "Nerve-type symptoms (stable)",
        "Does pain spread down one arm, or is there burning, electric, numb or tingling "
        "feeling in one arm or hand, without weakness?",
        "Ask: 'Does the pain travel down your arm, or do you have pins and needles, "
        "numbness or a burning feeling in your arm or hand?' If numbness or weakness is new"
        " and getting worse, answer the red-flag question on worsening weakness instead: "
        "that is an emergency.",
    ),
    (
        "declines_neck_manipulation",
        "Prefers no neck manipulation",
        "Would the patient rather not have their neck manipulated?",
        "Manipulation is a quick hands-on movement of a joint by a therapist. If the patient "
        "prefers, the upper back can be treated instead of the neck.",
    ),
    (
        "muscle_relaxant_days",
        "Days on a muscle relaxant",
        "Is the patient taking a muscle relaxant now? If so, how many whole days since the "
        "first dose?",
        "For example cyclobenzaprine, methocarbamol, tizanidine or baclofen. First dose "
        "today is 0 days; the start may be before this pain began. Leave blank if not "
        "taking one.",
    ),
    (
        "muscle_relaxant_name",
        "Which muscle relaxant",
        "Which muscle relaxant is the patient taking?",
        "For example cyclobenzaprine, methocarbamol, tizanidine or baclofen: look at the "
        "box or the medicine list. Leave blank if not known.",
    ),
    (
        "muscle_relaxant_other_condition",
        "Relaxant for another condition",
        "Was the muscle relaxant prescribed long term for another condition, not for this pain?",
        "Ask: 'Do you take it every day for another condition, for example muscle stiffness"
        " after a stroke or with multiple sclerosis?'",
    ),
    (
        "progressive_neuro_deficit",
        "Worsening weakness or numbness",
        "Is there weakness or numbness that is new and getting worse, or that affects both "
        "arms or the legs?",
        "Ask: 'Have your arms or legs become weaker or more numb, and is it getting worse, "
        "or is it in both arms or your legs?' Stable tingling in one arm is a nerve-type "
        "symptom, not this.",
    ),
    (
        "bowel_bladder_dysfunction",
        "New bladder or bowel problems",
        "Are there new problems controlling the bladder or bowels?",
        "Ask: 'Since this pain began, have you had trouble passing urine, leaks, or trouble "
        "controlling your bowels?'",
    ),
    (
        "cervical_arterial_signs",
        "Dizziness, vision or speech changes",
        "Is there dizziness, double vision, slurred speech, trouble swallowing, sudden falls, or a "
        "sudden severe headache?",
        "These can point to a problem with a blood vessel in the neck. Ask: 'Have you had dizzy "
        "spells, double vision, slurred speech, trouble swallowing, sudden falls, or a sudden, "
        "very bad headache?'",
    ),
    (
        "myelopathy_signs",
        "Clumsy hands or unsteady walking",
        "Have the hands become clumsy, or has walking become unsteady?",
        "Ask: 'Have you had trouble doing up buttons or writing, or felt unsteady on your feet?'",
    ),
    (
        "fever",
        "Fever",
        "Does the patient have a fever?",
        "Ask: 'Have you had a high temperature, or felt hot and shivery, with this pain?'",
    ),
    (
        "recent_bloodstream_infection",
        "Recent blood infection",
        "Has the patient recently had an infection in the blood, for example Staphylococcus "
        "aureus?",
        "Ask: 'Have you recently been treated for an infection in your blood, for example in "
        "hospital?'",
    ),
    (
        "malignancy_history",
        "History of cancer",
        "Has the patient ever had cancer?",
        "Ask: 'Have you ever been told you had cancer, even if it was treated long ago?'",
    ),
    (
        "iv_drug_use",
        "Injecting drug use",
        "Does the patient inject drugs into a vein, now or recently?",
        "Ask privately and without judgement: 'Do you inject drugs, or have you done recently?'",
    ),
    (
        "immunosuppression",
        "Weakened immune system",
        "Is the patient's immune system weakened by an illness or a medicine?",
        "For example HIV, cancer treatment, an organ transplant, or medicines that damp down "
        "the immune system.",
    ),
    (
        "unexplained_weight_loss",
        "Unexplained weight loss",
        "Has the patient lost weight recently without trying to?",
        "Ask: 'Have you lost weight lately without meaning to?'",
    ),
    (
        "night_pain",
        "Night pain that does not ease",
        "Is there pain that does not ease with rest and disturbs sleep every night?",
        "Ask: 'Does the pain keep you awake or wake you every night, even when you lie still?'",
    ),
    (
        "significant_trauma",
        "Significant injury",
        "Did the pain start after a significant injury, such as a fall, a road accident or a hard "
        "blow?",
        "Ask: 'Did this start after an accident, a fall or a hard knock to your head, neck or "
        "back?'",
    ),
    (
        "osteoporosis",
        "Osteoporosis",
        "Has the patient been told they have osteoporosis (thin, fragile bones)?",
        "Ask: 'Has a doctor told you that your bones are thin or fragile?' This counts as a "
        "warning sign only for people over 65.",
    ),
    (
        "chronic_steroid_use",
        "Long-term steroid tablets",
        "Does the patient take steroid tablets or injections, such as prednisolone, long term?",
        "Ask: 'Do you take steroid tablets every day, or have you for months?' Inhalers and creams "
        "do not count. This counts as a warning sign only for people over 65.",
    ),
    (
        "gi_bleed_or_ulcer",
        "Stomach ulcer or gut bleeding",
        "Has the patient ever had a stomach ulcer or bleeding from the stomach or bowel?",
        "Ask: 'Have you ever had a stomach ulcer, vomited blood, or passed black stools?'",
    ),
    (
        "severe_kidney_disease",
        "Severe kidney disease",
        "Does the patient have severe kidney disease (stage 4-5, or eGFR below 30)?",
        "Ask: 'Have you been told your kidneys work very poorly?' Check the record for the eGFR.",
    ),
    (
        "heart_failure",
        "Heart failure",
        "Does the patient have heart failure?",
        "Ask: 'Have you been told your heart is weak or does not pump well?'",
    ),
    (
        "cardiovascular_disease",
        "Heart disease, stroke or high blood pressure",
        "Does the patient have coronary heart disease, a past stroke, or high blood pressure?",
        "Includes angina, a past heart attack, a stroke or mini-stroke, and treated high blood "
        "pressure.",
    ),
    (
        "recent_myocardial_infarction",
        "Heart attack in the last 3 months",
        "Has the patient had a heart attack in the last 3 months?",
        "Ask: 'Have you had a heart attack in the last three months?'",
    ),
    (
        "arrhythmia_or_heart_block",
        "Heart rhythm problem",
        "Does the patient have an irregular heartbeat, heart block or another heart rhythm "
        "problem?",
        "Ask: 'Have you been told your heartbeat is irregular, or do you have a pacemaker?'",
    ),
    (
        "hyperthyroidism",
        "Overactive thyroid",
        "Does the patient have an overactive thyroid?",
        "Ask: 'Have you been told your thyroid gland is overactive?'",
    ),
    (
        "liver_disease",
        "Liver disease",
        "Does the patient have liver disease or reduced liver function?",
        "For example cirrhosis, or hepatitis that affects how the liver works.",
    ),
    (
        "narrow_angle_glaucoma",
        "Narrow-angle glaucoma",
        "Does the patient have narrow-angle (closed-angle) glaucoma?",
        "An eye-pressure condition. Ask: 'Has an eye specialist told you that you have "
        "narrow-angle glaucoma?'",
    ),
    (
        "nsaid_allergy_or_asthma",
        "Reaction to aspirin or anti-inflammatories",
        "Has the patient had an allergy, asthma attack or hives after aspirin or another "
        "anti-inflammatory painkiller?",
        "Anti-inflammatory painkillers (NSAIDs) include ibuprofen, naproxen and diclofenac.",
    ),
    (
        "inflammatory_arthritis",
        "Inflammatory arthritis",
        "Does the patient have rheumatoid arthritis, ankylosing spondylitis or another "
        "inflammatory arthritis?",
        "Ask: 'Have you been told you have rheumatoid arthritis or another kind of "
        "inflammatory arthritis?' Wear-and-tear arthritis does not count.",
    ),
    (
        "previous_neck_surgery",
        "Neck surgery or fixation",
        "Has the patient had surgery on the neck or upper spine, or plates or screws put in there?",
        "Ask: 'Have you ever had an operation on your neck or upper back?'",
    ),
    (
        "bleeding_disorder",
        "Bleeding disorder",
        "Does the patient have a bleeding disorder, such as haemophilia or von Willebrand disease?",
        "Ask: 'Have you been told your blood does not clot properly, or that you bleed more"
        " easily than other people?'",
    ),
    (
        "uncontrolled_hypertension",
        "Uncontrolled high blood pressure",
        "Does the patient have high blood pressure that is not under control?",
        "Ask: 'Has a doctor or nurse told you recently that your blood pressure is too "
        "high, even with treatment?'",
    ),
    (
        "pregnancy_weeks",
        "Weeks pregnant",
        "Is the patient pregnant? If so, how many weeks?",
        "Enter the number of weeks (1 to 42). Leave blank if not pregnant.",
    ),
    (
        "breastfeeding",
        "Breastfeeding",
        "Is the patient breastfeeding now?",
        "Ask: 'Are you breastfeeding at the moment?'",
    ),
    (
        "heavy_alcohol_use",
        "Heavy drinking",
        "Does the patient drink more than 14 units of alcohol a week, or binge drink?",
        "Ask without judgement: 'How much alcohol do you drink in a usual week?' 14 units "
        "is about six pints of beer or six medium glasses of wine.",
    ),
    (
        "takes_anticoagulant",
        "Takes a blood thinner",
        "Does the patient take a blood thinner such as warfarin, apixaban, rivaroxaban or heparin?",
        "Ask to see the medicine list: blood thinners are taken to prevent or treat clots.",
    ),
    (
        "takes_antiplatelet",
        "Takes aspirin or an antiplatelet",
        "Does the patient take aspirin for the heart or stroke, clopidogrel, prasugrel or "
        "ticagrelor?",
        "Ask to see the medicine list: these medicines are taken to stop clots forming in "
        "the arteries.",
    ),
    (
        "takes_maoi",
        "Takes an MAO inhibitor",
        "Does the patient take an MAO inhibitor, or has taken one in the last 14 days?",
        "A group of medicines for depression or Parkinson's disease, such as phenelzine, "
        "tranylcypromine or selegiline. Ask to see the medicine list.",
    ),
    (
        "takes_serotonergic_drug",
        "Takes a serotonin-acting medicine",
        "Does the patient take an SSRI, SNRI, tricyclic antidepressant, tramadol or similar?",
        "For example sertraline, fluoxetine, citalopram, venlafaxine, amitriptyline or tramadol.",
    ),
    (
        "takes_sedating_medicine",
        "Takes a sedating medicine",
        "Does the patient take an opioid, a benzodiazepine, gabapentin, pregabalin or "
        "sleeping tablets?",
        "For example codeine, tramadol, morphine, diazepam, gabapentin, pregabalin or "
        "zopiclone. Ask to see the medicine list.",
    ),
    (
        "takes_cyp1a2_inhibitor",
        "Takes fluvoxamine or ciprofloxacin",
        "Does the patient take fluvoxamine or ciprofloxacin?",
        "Fluvoxamine is an antidepressant; ciprofloxacin is an antibiotic. Ask to see the "
        "medicine list.",
    ),
)

_VISIT_ONLY_SPECS = _specs(
    (
        "day",
        "Days since the intake",
        "How many days is it since the intake visit?",
        "Count from the day of the intake visit to today.",
    ),
    (
        "muscle_relaxant_days",
        "Days on a muscle relaxant",
        "Is the patient still taking a muscle relaxant? If so, for how many days in total?",
        "Count every day since the first dose. Leave blank if not taking one now.",
    ),
    (
        "age",
        "Age today",
        "How old is the patient today, in years?",
        "Age on the day of this visit: red flags that depend on age use it.",
    ),
    (
        "global_change",
        "Overall change (-5 to +5)",
        "Compared with the start of treatment, how would the patient describe their neck now?",
        "-5 means very much worse, 0 means no change, +5 means completely recovered.",
    ),
    (
        "activity_scores",
        "Activity scores (0-10)",
        "For each of the patient's chosen activities (up to 3), how well can they do it now?",
        "0 means unable to do it; 10 means able to do it as well as before the pain started.",
    ),
)

# A visit asks its own questions, and any intake question again exactly as the intake does.
VISIT_FACT_SPECS = MappingProxyType(
    {
        key: _VISIT_ONLY_SPECS.get(key) or FACT_SPECS[key]
        for key in VISIT_KEYS
        if key != CLEARED_RED_FLAGS_KEY
    }
)

if tuple(FACT_SPECS) != INTAKE_KEYS:  # pragma: no cover - guards edits to the tables above
    raise AssertionError("FACT_SPECS must cover the intake keys in table order")
