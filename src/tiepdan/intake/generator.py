"""Realistic demo data at scale: citizens, delegations, matters and petitions for one province.

``generate(petitions=N, province_code=20, seed=S)`` writes N petitions (đơn, one visit each)
with their matters, citizens and delegations, in batches of bulk inserts with ids given
here (no per-row ``save()``, no per-row audit: one audit entry for the whole run). Every
column that ``save()`` would fill is filled here (see intake.models' docstring): folded
names and summaries, the matter's copy of the citizen's ID number, the commune committee.

What is realistic about it:
- names: surnames by their national frequency (Nguyễn about 38 %), with the Tày and Nùng
  surnames of the northern border provinces when the province is one of them; a middle name
  by sex ("Văn", "Thị" most often); a given name from common lists;
- CCCD numbers valid under ``intake.rules.cccd_problem`` and consistent with the date of birth
  and sex (most citizens born in the province, some elsewhere); unique within a run;
- addresses in the province's real communes (``vietnam-provinces``), with a hamlet;
- matters across the four kinds, the subject areas, the states of the workflow (old matters
  are settled, recent ones still waiting, with their deadline), spread over working hours of
  working days of the last three years; about 3 % are delegations (Law 2013 Art. 29 for the
  number of representatives); some matters come back with a second or third petition.

Not generated: the matter's transition history, attachments, proposals and decisions.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from functools import lru_cache

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from tiepdan.core import audit
from tiepdan.core.roles import Role
from tiepdan.core.text import fold
from tiepdan.organisations import demo
from tiepdan.organisations.models import AdministrativeUnit, Organisation, User
from tiepdan.organisations.services import create_official

from .models import Channel, Citizen, Delegation, Matter, MatterKind, MatterState, Petition, Representative, SubjectArea
from .rules import CCCD_PROVINCE_CODES, representatives_range

# --- Names ---------------------------------------------------------------------------------
# Surname shares in Vietnam (commonly cited survey figures, percent).
SURNAMES = [
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 4.0), ("Huỳnh", 1.1), ("Phan", 4.5), ("Vũ", 3.0), ("Võ", 0.9),
    ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.6), ("Trịnh", 0.4),
    ("Đoàn", 0.4), ("Lương", 0.3), ("Mai", 0.3), ("Trương", 0.4), ("Cao", 0.3), ("Tạ", 0.2), ("Lâm", 0.2), ("Hà", 0.3), ("Tô", 0.2),
]
# Tày and Nùng surnames, frequent in the northern border provinces.
BORDER_SURNAMES = [("Hoàng", 6.0), ("Nông", 5.0), ("Lương", 3.0), ("Vi", 3.0), ("Lăng", 2.0), ("Triệu", 2.0), ("Lộc", 2.0), ("Hà", 2.0), ("Chu", 1.5), ("Mã", 1.0), ("Lành", 1.0), ("Hứa", 1.0), ("Bế", 1.5)]
BORDER_PROVINCES = {"02", "04", "06", "08", "10", "20", "19", "22", "24", "14", "11", "12", "15"}
MIDDLE_MALE = [("Văn", 40), ("Đức", 8), ("Minh", 7), ("Quang", 6), ("Hữu", 6), ("Xuân", 5), ("Thanh", 5), ("Công", 5), ("Ngọc", 4), ("Đình", 5), ("Tiến", 3), ("Mạnh", 3), ("Hoàng", 3)]
MIDDLE_FEMALE = [("Thị", 50), ("Thu", 7), ("Ngọc", 6), ("Thanh", 6), ("Minh", 4), ("Hồng", 5), ("Phương", 4), ("Kim", 4), ("Bích", 3), ("Mai", 3), ("Hải", 2)]
GIVEN_MALE = "Bình Hùng Dũng Tuấn Minh Nam Hải Long Sơn Thắng Cường Hưng Quân Đức Trung Phong Khánh Tùng Hoàng Thành Việt Anh Huy Kiên Lâm Phúc Tài Toàn Vinh Hiếu Hòa Lợi Chiến Thịnh Quyết Tâm Nghĩa Bảo Khoa".split()
GIVEN_FEMALE = "Lan Hương Hoa Mai Linh Trang Thảo Hà Hạnh Nga Hằng Yến Ngọc Phương Thủy Dung Huyền Loan Oanh Nhung Vân Anh Trinh My Hiền Liên Tuyết Xuân Thơm Chi".split()
HAMLET_PREFIXES = ["Thôn", "Bản", "Khu", "Tổ dân phố", "Xóm"]
HAMLET_NAMES = "Nà Chuông|Pác Mòng|Khòn Pát|Nà Pàn|Trung Tâm|Đồng Tâm|Tân Lập|Hợp Thành|Phai Luông|Nà Lầu|Còn Quan|Bó Chặp|Đông Kinh|Hòa Bình|Quyết Thắng|Thống Nhất|Pò Nghiều|Khau Phạ|Na Sầm|Bắc Sơn".split("|")

# --- What matters are about -------------------------------------------------------------------
KIND_WEIGHTS = [(MatterKind.COMPLAINT, 55), (MatterKind.RECOMMENDATION, 20), (MatterKind.REFLECTION, 15), (MatterKind.DENUNCIATION, 10)]
AREA_WEIGHTS = [(SubjectArea.LAND, 45), (SubjectArea.COMPENSATION, 20), (SubjectArea.POLICY, 10), (SubjectArea.OFFICIALS_CONDUCT, 8), (SubjectArea.ENVIRONMENT, 5), (SubjectArea.CONSTRUCTION, 5), (SubjectArea.JUSTICE, 4), (SubjectArea.OTHER, 3)]
CHANNEL_WEIGHTS = [(Channel.IN_PERSON, 50), (Channel.LETTER, 35), (Channel.COMMUNE_LIST, 15)]
KIND_VERB = {MatterKind.COMPLAINT: "Khiếu nại", MatterKind.DENUNCIATION: "Tố cáo", MatterKind.RECOMMENDATION: "Kiến nghị", MatterKind.REFLECTION: "Phản ánh"}
TOPICS = {
    SubjectArea.LAND: ["việc thu hồi {m2} m² đất nông nghiệp tại {hamlet} theo Quyết định số {n}/QĐ-UBND", "việc cấp giấy chứng nhận quyền sử dụng đất thửa số {n}, tờ bản đồ số {k} tại {hamlet}", "tranh chấp ranh giới đất với hộ liền kề tại {hamlet}", "việc điều chỉnh diện tích đất ở sau khi đo đạc lại tại {hamlet}"],
    SubjectArea.COMPENSATION: ["mức bồi thường, hỗ trợ khi thu hồi đất làm dự án đường {road}", "việc bố trí tái định cư cho hộ gia đình bị thu hồi đất tại {hamlet}", "chậm chi trả tiền bồi thường dự án {road}"],
    SubjectArea.POLICY: ["chế độ trợ cấp đối với người có công với cách mạng", "việc xét hộ nghèo năm {year} tại {hamlet}", "chế độ bảo hiểm xã hội sau khi nghỉ việc"],
    SubjectArea.OFFICIALS_CONDUCT: ["hành vi gây khó khăn của cán bộ địa chính xã khi giải quyết hồ sơ", "việc cán bộ xã thu tiền không có biên lai", "thái độ làm việc của cán bộ bộ phận một cửa"],
    SubjectArea.ENVIRONMENT: ["ô nhiễm nguồn nước do cơ sở chăn nuôi tại {hamlet}", "khai thác cát trái phép trên sông gây sạt lở đất tại {hamlet}", "bụi và tiếng ồn từ mỏ đá gần khu dân cư"],
    SubjectArea.CONSTRUCTION: ["công trình xây dựng không phép lấn chiếm lối đi chung tại {hamlet}", "chất lượng công trình đường giao thông nông thôn {hamlet}"],
    SubjectArea.JUSTICE: ["việc chậm thi hành bản án dân sự số {n}/{year}/DS-ST", "việc công chứng hợp đồng chuyển nhượng không đúng quy định"],
    SubjectArea.OTHER: ["việc cấp điện sinh hoạt cho các hộ dân tại {hamlet}", "việc sáp nhập thôn ảnh hưởng đến sinh hoạt của người dân"],
}
ROADS = ["Hữu Nghị", "Tân Thanh - Cốc Nam", "cao tốc Đồng Đăng - Trà Lĩnh", "tránh thành phố", "liên xã", "vành đai"]
PAPER_NAMES = ["Đơn {verb}", "Quyết định số {n}/QĐ-UBND", "Giấy chứng nhận quyền sử dụng đất", "Biên bản làm việc ngày {day}", "Văn bản trả lời số {n}/UBND"]
PAPER_STATES = ["bản chụp", "bản chụp", "bản sao có chứng thực", "bản chính"]

# Old matters are settled one way or another; recent ones are spread over the waiting states.
SETTLED_STATES = [(MatterState.DECLINED, 50), (MatterState.APPROVED, 35), (MatterState.WITHDRAWN, 15)]
RECENT_STATES = [(MatterState.RECEIVED, 30), (MatterState.CLASSIFIED, 20), (MatterState.PROPOSED, 15), (MatterState.APPROVED, 15), (MatterState.DECLINED, 10), (MatterState.RETURNED, 5), (MatterState.WITHDRAWN, 5)]
WAITING_DAYS = {MatterState.RECEIVED: 7, MatterState.CLASSIFIED: 7, MatterState.PROPOSED: 7, MatterState.RETURNED: 14}
RECENT_DAYS = 60
SPAN_DAYS = 3 * 365
DELEGATION_SHARE = 0.03
EXTRA_PETITION_SHARE = 0.12  # matters that come back with a second (or third) visit
CITIZEN_REUSE_SHARE = 0.15  # matters of a citizen who already has one


class _Weighted:
    """Fast weighted choice from a fixed table."""

    def __init__(self, table):
        self.values = [v for v, _ in table]
        total = 0.0
        self.cumulative = []
        for _, weight in table:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


@dataclass
class GenerationReport:
    petitions: int
    matters: int
    citizens: int
    delegations: int
    seconds: float

    @property
    def rows(self) -> int:
        return self.petitions + self.matters + self.citizens + self.delegations

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class _Ids:
    """Ids given here, past the current maximum, so batches link without reading ids back."""

    def __init__(self, model):
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.next = (last or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


@lru_cache(maxsize=50_000)
def _fold(text: str) -> str:
    """fold() of the short texts that repeat (names, hamlets): computed once each."""
    return fold(text)


class _Table:
    """Rows written straight to one table: COPY on PostgreSQL, executemany on SQLite.

    ``columns`` are the fields the generator gives per row; every other column takes its
    model default (or the insert time for auto_now_add, or NULL), so a field added to
    the model later still gets a value, or fails here loudly when it has none.
    """

    def __init__(self, model, columns: list[str], now: dt.datetime):
        meta = model._meta
        self.table = meta.db_table
        self.postgresql = connection.vendor == "postgresql"
        given = set(columns)
        self.columns = [meta.get_field(name).column for name in columns]
        self.kinds = [self._kind(meta.get_field(name)) for name in columns]
        tail_columns, tail = [], []
        for field in meta.concrete_fields:
            if field.name in given or field.attname in given:
                continue
            if field.primary_key:
                continue  # the database numbers it
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                value = now
            elif field.has_default() or field.null:
                value = field.get_default()
            elif field.empty_strings_allowed and field.get_default() == "":
                value = ""  # text columns left blank, as save() would leave them
            else:
                raise ValueError(f"generator: {model.__name__}.{field.name} has no value, no default and is NOT NULL")
            tail_columns.append(field.column)
            tail.append(self._prepare(self._kind(field), value))
        self.columns += tail_columns
        self.tail = tuple(tail)

    @staticmethod
    def _kind(field) -> str:
        internal = field.get_internal_type()
        return {"DateTimeField": "datetime", "DateField": "date", "JSONField": "json"}.get(internal, "plain")

    def _prepare(self, kind: str, value):
        if value is None:
            return None
        if kind == "json":
            return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)  # str: already JSON
        if self.postgresql:
            return value
        if kind == "datetime":  # Django keeps SQLite datetimes as naive UTC text
            return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(" ")
        if kind == "date":
            return value.isoformat()
        return value

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        kinds, tail = self.kinds, self.tail
        special = [i for i, k in enumerate(kinds) if k != "plain"]
        prepared = []
        for row in rows:
            if special:
                row = list(row)
                for i in special:
                    row[i] = self._prepare(kinds[i], row[i])
            prepared.append(tuple(row) + tail)
        names = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if self.postgresql:
                with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in self.columns)
                cursor.cursor.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", prepared)


def _province_setup(province_code: str):
    unit = AdministrativeUnit.objects.get(code=province_code, level=AdministrativeUnit.Level.PROVINCE)
    committee = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE, unit=unit).first()
    if committee is None:
        central = demo.central_tree()["central"]
        demo.province_tree(unit, central)
        committee = Organisation.objects.get(kind=Organisation.Kind.PROVINCE_COMMITTEE, unit=unit)
    officer = User.objects.filter(organisation__parent=committee, role=Role.BOARD_OFFICER, is_active=True).order_by("pk").first()
    if officer is None:
        board = Organisation.objects.get(kind=Organisation.Kind.PROVINCE_BOARD, parent=committee)
        officer = create_official(by=None, username=f"du-lieu-mau-{province_code}", full_name="Dữ liệu mẫu", organisation=board, role=Role.BOARD_OFFICER)
    communes = list(AdministrativeUnit.objects.filter(parent=unit).order_by("code").values_list("pk", "name"))
    if not communes:
        raise ValueError(f"Tỉnh mã {province_code} chưa có xã, phường; hãy chạy «manage.py load_units» trước.")
    committees = dict(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=committee).values_list("unit_id", "pk"))
    return unit, committee, officer, communes, committees


def _working_moment(rng: random.Random, today: dt.date, tz, span_days: int = SPAN_DAYS) -> dt.datetime:
    """A moment in office hours (07:30-17:00) of a weekday within the last ``span_days``, recent days more likely."""
    back = int(rng.triangular(1, span_days, 1))  # from yesterday back: never later than now
    day = today - dt.timedelta(days=back)
    if day.weekday() >= 5:
        day -= dt.timedelta(days=day.weekday() - 4)
    minute = rng.randrange(7 * 60 + 30, 17 * 60)
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, rng.randrange(60), tzinfo=tz)


CITIZEN_COLUMNS = ["id", "full_name", "full_name_folded", "id_number", "date_of_birth", "commune_id", "address", "phone"]
DELEGATION_COLUMNS = ["id", "province_committee_id", "members_count", "members_note"]
REPRESENTATIVE_COLUMNS = ["delegation_id", "position", "citizen_id", "full_name", "id_number", "address"]
MATTER_COLUMNS = [
    "id", "kind", "state", "subject_area", "citizen_id", "delegation_id", "commune_id", "province_committee_id", "commune_committee_id",
    "channel", "registered_at", "registered_by_id", "summary", "request", "arose_at", "people_count", "representatives_count",
    "already_settled", "settled_by", "decision_in_force", "within_competence", "identity_protected", "wants_online",
    "state_changed_at", "state_due_at", "citizen_name_folded", "citizen_id_number", "summary_folded",
]
PETITION_COLUMNS = ["id", "matter_id", "province_committee_id", "channel", "received_at", "received_by_id", "content", "content_folded", "papers"]
REQUEST = "Đề nghị Chủ tịch UBND tỉnh xem xét, giải quyết dứt điểm."


def _registration_moments(rng: random.Random, count: int, today: dt.date, tz):
    """``count`` registration moments, oldest first, then more recent ones if the run needs more.

    Rows are inserted in the order they were registered, as in real use: ids and the table's
    physical order follow time, which is what the "newest first" list reads along.
    """
    yield from sorted(_working_moment(rng, today, tz) for _ in range(count))
    while True:  # a few more matters than estimated: recent ones
        yield _working_moment(rng, today, tz, span_days=RECENT_DAYS)


def generate(*, petitions: int, province_code: int | str = 20, seed: int = 0, batch_size: int = 5000, progress: Callable[[int, int], None] | None = None) -> GenerationReport:
    """Write ``petitions`` petitions (and their matters, citizens, delegations) for one province."""
    if petitions < 1:
        raise ValueError("Số đơn cần tạo phải từ 1 trở lên.")
    started = time.monotonic()
    code = f"{int(province_code):02d}"
    rng = random.Random(seed)
    unit, committee, officer, communes, commune_committees = _province_setup(code)
    province = f"{unit.division_type} {unit.name}"
    border = code in BORDER_PROVINCES
    surnames = _Weighted(SURNAMES + (BORDER_SURNAMES if border else []))
    middle = {True: _Weighted(MIDDLE_MALE), False: _Weighted(MIDDLE_FEMALE)}
    kinds, areas, channels = _Weighted(KIND_WEIGHTS), _Weighted(AREA_WEIGHTS), _Weighted(CHANNEL_WEIGHTS)
    settled, recent = _Weighted(SETTLED_STATES), _Weighted(RECENT_STATES)
    home_code = next((c for c, name in CCCD_PROVINCE_CODES.items() if fold(name) == fold(unit.name)), "001")
    other_codes = sorted(CCCD_PROVINCE_CODES)
    cccd_next: dict[str, list[int]] = {}  # prefix → [count, salt]
    tz = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate()
    # Folded forms of the fixed texts, so a summary's folded column is built, not folded, per row.
    verbs_folded = {k: fold(v) for k, v in KIND_VERB.items()}
    topics = {area: [(t, fold(t)) for t in templates] for area, templates in TOPICS.items()}
    roads = [(r, fold(r)) for r in ROADS]

    # Papers handed in (Form 02/TCD's name, pages, state), as JSON text: a pool drawn from, not built per row.
    paper_pool = [
        json.dumps([{"name": rng.choice(PAPER_NAMES).format(verb=rng.choice(list(KIND_VERB.values())).lower(), n=rng.randrange(1, 999), day=f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(2015, today.year + 1)}"), "pages": rng.randint(1, 12), "state": rng.choice(PAPER_STATES)} for _ in range(rng.randint(1, 3))], ensure_ascii=False)
        for _ in range(2000)
    ]
    tables = {
        "citizen": _Table(Citizen, CITIZEN_COLUMNS, now),
        "delegation": _Table(Delegation, DELEGATION_COLUMNS, now),
        "representative": _Table(Representative, REPRESENTATIVE_COLUMNS, now),
        "matter": _Table(Matter, MATTER_COLUMNS, now),
        "petition": _Table(Petition, PETITION_COLUMNS, now),
    }
    citizen_ids, delegation_ids, matter_ids, petition_ids = _Ids(Citizen), _Ids(Delegation), _Ids(Matter), _Ids(Petition)
    counts = {"petitions": 0, "matters": 0, "citizens": 0, "delegations": 0}
    recent_citizens: list[tuple[int, str, str, int, str, str]] = []  # (id, folded name, id number, commune id, name, address)

    def new_citizen(batch: list) -> tuple[int, str, str, int]:
        male = rng.random() < 0.52
        name = f"{surnames.pick(rng)} {middle[male].pick(rng)} {rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)}"
        age = int(rng.triangular(18, 92, 52))
        born = today - dt.timedelta(days=age * 365 + rng.randrange(365))
        birth_code = home_code if rng.random() < 0.85 else rng.choice(other_codes)
        sex_digit = 2 * ((born.year - 1900) // 100) + (0 if male else 1)
        prefix = f"{birth_code}{sex_digit}{born.year % 100:02d}"
        state = cccd_next.setdefault(prefix, [0, rng.randrange(1_000_000)])
        # A permutation of 0..999999 (482,711 is prime to 10**6), salted per prefix: unique and random-looking.
        id_number = f"{prefix}{(state[0] * 482_711 + state[1]) % 1_000_000:06d}"
        state[0] += 1
        commune_id, commune_name = rng.choice(communes)
        address = f"{rng.choice(HAMLET_PREFIXES)} {rng.choice(HAMLET_NAMES)}, {commune_name}, {province}"
        pk = citizen_ids.take()
        phone = f"0{rng.choice('389')}{rng.randrange(10_000_000, 99_999_999)}" if rng.random() < 0.7 else ""
        folded = _fold(name)
        batch.append((pk, name, folded, id_number, born, commune_id, address, phone))
        return pk, folded, id_number, commune_id, name, address

    visits_per_matter = 1 + EXTRA_PETITION_SHARE + EXTRA_PETITION_SHARE / 4
    moments = _registration_moments(rng, int(petitions / visits_per_matter * 0.98) + 1, today, tz)
    remaining = petitions
    while remaining > 0:
        citizens, delegations, links, matters, petition_rows = [], [], [], [], []
        target = min(batch_size, remaining)
        while len(petition_rows) < target:
            if recent_citizens and rng.random() < CITIZEN_REUSE_SHARE:
                citizen = rng.choice(recent_citizens)
            else:
                citizen = new_citizen(citizens)
                recent_citizens.append(citizen)
                if len(recent_citizens) > 20_000:
                    recent_citizens = recent_citizens[-10_000:]
            cit_id, cit_folded, cit_number, commune_id = citizen[:4]
            kind, area = kinds.pick(rng), areas.pick(rng)
            registered_at = next(moments)
            is_recent = (today - registered_at.date()).days <= RECENT_DAYS
            state = recent.pick(rng) if is_recent else settled.pick(rng)
            hamlet = f"{rng.choice(HAMLET_PREFIXES).lower()} {rng.choice(HAMLET_NAMES)}"
            hamlet_folded = _fold(hamlet)
            template, template_folded = rng.choice(topics[area])
            road, road_folded = rng.choice(roads)
            values = dict(m2=rng.randrange(50, 5000), n=rng.randrange(1, 3000), k=rng.randrange(1, 80), year=registered_at.year - rng.randrange(0, 4))
            summary = f"{KIND_VERB[kind]} {template.format(hamlet=hamlet, road=road, **values)}."
            summary_folded = f"{verbs_folded[kind]} {template_folded.format(hamlet=hamlet_folded, road=road_folded, **values)}."
            delegation_id, people, reps = None, 1, 1
            if rng.random() < DELEGATION_SHARE:
                people = int(rng.triangular(5, 80, 8))
                reps = rng.randint(*representatives_range(people))
                delegation_id = delegation_ids.take()
                delegations.append((delegation_id, committee.pk, people, f"{people} hộ dân {hamlet}"))
                for position, rep in enumerate([citizen, *(new_citizen(citizens) for _ in range(reps - 1))], start=1):
                    links.append((delegation_id, position, rep[0], rep[4], rep[2], rep[5]))
            settled_before = kind == MatterKind.COMPLAINT and rng.random() < 0.4
            state_due_at = registered_at + dt.timedelta(days=WAITING_DAYS[state]) if state in WAITING_DAYS else None
            matter_id = matter_ids.take()
            channel = channels.pick(rng)
            matters.append((
                matter_id, kind, state, area, cit_id, delegation_id, commune_id, committee.pk, commune_committees.get(commune_id),
                channel, registered_at, officer.pk, summary, REQUEST, f"{hamlet}, {province}", people, reps,
                settled_before, "UBND xã nơi phát sinh" if settled_before else "", settled_before and rng.random() < 0.5,
                rng.random() < 0.8, kind == MatterKind.DENUNCIATION and rng.random() < 0.3, rng.random() < 0.4,
                registered_at, state_due_at, cit_folded, cit_number, summary_folded,
            ))
            visits = 1 + (rng.random() < EXTRA_PETITION_SHARE) + (rng.random() < EXTRA_PETITION_SHARE / 4)
            for visit in range(min(visits, target - len(petition_rows))):
                received_at = registered_at + dt.timedelta(days=30 * visit * rng.randint(1, 4)) if visit else registered_at
                if received_at > now:
                    break
                content, content_folded = (summary, summary_folded) if not visit else (f"Tiếp tục {summary[0].lower()}{summary[1:]}", f"tiep tuc {summary_folded}")
                papers = rng.choice(paper_pool)
                petition_rows.append((petition_ids.take(), matter_id, committee.pk, Channel.LETTER if visit else channel, received_at, officer.pk, content, content_folded, papers))
        with transaction.atomic():
            tables["citizen"].insert(citizens)
            tables["delegation"].insert(delegations)
            tables["representative"].insert(links)
            tables["matter"].insert(matters)
            tables["petition"].insert(petition_rows)
        counts["citizens"] += len(citizens)
        counts["delegations"] += len(delegations)
        counts["matters"] += len(matters)
        counts["petitions"] += len(petition_rows)
        remaining -= len(petition_rows)
        if progress:
            progress(counts["petitions"], petitions)

    _reset_sequences()
    report = GenerationReport(seconds=time.monotonic() - started, **counts)
    with transaction.atomic():
        audit.record(actor=None, action="intake.generate_demo_data", object_type="intake.matter", object_repr=f"{report.petitions} đơn, {report.matters} vụ việc, {report.citizens} công dân, {report.delegations} đoàn ({province}, seed {seed})")
    return report


def _reset_sequences() -> None:
    """Ids were given here: move PostgreSQL's sequences past them (SQLite follows MAX(id) by itself)."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), [Citizen, Delegation, Matter, Petition])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
