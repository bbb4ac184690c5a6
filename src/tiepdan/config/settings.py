"""tiepdan settings: one module, every value read from the environment.

Each variable is documented where it is read (``env(name, default, doc)``), and
``manage.py settings_doc`` prints them all. The defaults give the embedded
product (one laptop, no services: SQLite in WAL mode, in-memory channel layer,
SQLite-backed jobs, local files). Setting ``DATABASE_URL`` / ``REDIS_URL`` moves
the same code to PostgreSQL and Redis.
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[3]  # repository root
SRC_DIR = BASE_DIR / "src"

SETTINGS_DOC: dict[str, str] = {}


def env(name: str, default=None, doc: str = ""):
    SETTINGS_DOC[name] = f"{doc} (mặc định: {default!r})"
    return os.environ.get(name, default)


def env_bool(name: str, default: bool, doc: str = "") -> bool:
    value = env(name, "1" if default else "0", doc)
    return str(value).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str, doc: str = "") -> list[str]:
    return [v.strip() for v in env(name, default, doc).split(",") if v.strip()]


PRODUCTION = env_bool("TIEPDAN_PRODUCTION", False, "Bật cấu hình vận hành thật: bắt buộc HTTPS, xác thực hai lớp, khóa bí mật từ môi trường.")
DEBUG = env_bool("DEBUG", not PRODUCTION, "Chế độ gỡ lỗi của Django; luôn tắt khi vận hành.")
DATA_DIR = Path(env("TIEPDAN_DATA_DIR", str(BASE_DIR / "var"), "Thư mục dữ liệu cục bộ (CSDL SQLite, hàng đợi, tệp đính kèm, bản ghi hình)."))
DATA_DIR.mkdir(parents=True, exist_ok=True)

_dev_secret = "dev-only-insecure-key-tiepdan-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
SECRET_KEY = env("SECRET_KEY", None if PRODUCTION else _dev_secret, "Khóa bí mật của Django; bắt buộc khi TIEPDAN_PRODUCTION=1.")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY phải được đặt trong môi trường khi chạy ở chế độ vận hành (TIEPDAN_PRODUCTION=1).")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver", "Tên miền/địa chỉ được phép, phân cách bằng dấu phẩy.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "", "Nguồn tin cậy cho CSRF (https://tiepdan.example.gov.vn).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "csp",
    # One app per stage of a matter's life, in the order a matter meets them.
    "tiepdan.core",
    "tiepdan.organisations",
    "tiepdan.notifications",  # above organisations (its rows belong to a user), below every stage that notifies
    "tiepdan.documents",
    "tiepdan.intake",
    "tiepdan.triage",
    "tiepdan.bridges",
    "tiepdan.scheduling",
    "tiepdan.live",
    "tiepdan.recordings",
    "tiepdan.outcomes",
    "tiepdan.followup",
    "tiepdan.reports",
    "tiepdan.config",  # the wiring, an app only to hold `manage.py serve` (it may import every stage; core may not)
]

MIDDLEWARE = [
    "tiepdan.core.middleware.StreamFilesAsync",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tiepdan.core.security.PermissionsPolicyMiddleware",
    "tiepdan.core.middleware.RequestContextMiddleware",
    "tiepdan.organisations.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the official's organisation with him (a session signed in before this backend
    # was named here is asked to sign in again: Django keeps the backend's path in the session).
    "tiepdan.organisations.backends.OfficialBackend",
]
AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

ROOT_URLCONF = "tiepdan.config.urls"
ASGI_APPLICATION = "tiepdan.config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "tiepdan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tiepdan.core.context_processors.product",
            ],
        },
    },
]
# Every {{ form }} renders with the error summary, required markers and linked errors (core/forms.py).
FORM_RENDERER = "tiepdan.core.forms.FormRenderer"

# --- Database -----------------------------------------------------------------
_sqlite_path = DATA_DIR / "tiepdan.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{_sqlite_path}", "CSDL: sqlite:///đường/dẫn hoặc postgres://user@host:5432/tên."),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    # Kept open: a new SQLite connection parses the schema and starts with a cold page cache (~2-3 ms
    # on each of the several database calls a point's WebSocket makes, benchmarks/live.py). Django
    # advises against persistent connections under ASGI because a request's thread may end holding
    # one; a SQLite connection is a file handle of this process, closed when its thread ends.
    DATABASES["default"]["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "600", "Giữ kết nối SQLite (giây)."))
else:
    # PostgreSQL under ASGI: a pool (psycopg_pool) rather than persistent connections, as Django advises;
    # without either, every database call of a WebSocket consumer opened a new connection.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # One test database per run, as on SQLite: two suites at once on one server must not drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env("DB_POOL_MIN", "2", "Số kết nối PostgreSQL luôn mở sẵn trong mỗi tiến trình.")),
        "max_size": int(env("DB_POOL_MAX", "20", "Số kết nối PostgreSQL tối đa của mỗi tiến trình.")),
        "timeout": float(env("DB_POOL_TIMEOUT_S", "10", "Chờ tối đa (giây) một kết nối rảnh trong bể kết nối.")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DB_VENDOR = "postgresql" if "postgres" in DATABASES["default"]["ENGINE"] else "sqlite"

# --- Redis: channel layer, jobs, cache -------------------------------------------
REDIS_URL = env("REDIS_URL", "", "Redis cho lớp kênh thời gian thực và hàng đợi công việc (redis://127.0.0.1:6379/0). Trống: chạy nhúng.")
REDIS_CHANNEL_PREFIX = env("REDIS_CHANNEL_PREFIX", "tiepdan", "Tiền tố tên kênh trên Redis: hai hệ thống dùng chung một Redis phải có tiền tố khác nhau.")
REDIS_MAX_CONNECTIONS = int(env("REDIS_MAX_CONNECTIONS", "2000", "Số kết nối Redis tối đa của mỗi tiến trình máy chủ cho lớp kênh (mỗi điểm cầu đang chờ tin giữ một kết nối)."))


def redis_channel_layer(url: str, **config) -> dict:
    """The channel layer on Redis, with redis-py 8's new defaults undone where they break it.

    No client-side read timeout: redis-py 8 reads with a 5 s timeout, as long as channels_redis's
    blocking receive, and idle WebSockets were dropped every ~5 s (channels_redis issue 422). A pool
    as large as the connections a process serves: redis-py 8 caps it at 100, and a room filling up
    (each arrival adds to the group and waits on its channel) failed with "Too many connections".
    """
    host = {"address": url, "socket_timeout": None, "max_connections": REDIS_MAX_CONNECTIONS}
    return {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [host], **config}}


if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL, prefix=REDIS_CHANNEL_PREFIX)}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "tiepdan", "url": REDIS_URL, "immediate": False}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "tiepdan",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False, "Chạy công việc nền ngay trong tiến trình gọi (dùng cho kiểm thử)."),
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Files ------------------------------------------------------------------------
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media"), "Thư mục lưu tệp đính kèm và bản ghi (lưu trữ cục bộ)."))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": env("FILE_STORAGE", "django.core.files.storage.FileSystemStorage", "Lớp lưu trữ tệp (S3 khi triển khai quy mô lớn).")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/lucide", BASE_DIR / "node_modules" / "lucide-static" / "icons"),  # {% icon %} and core/icons.js
]
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- Language, time ------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [SRC_DIR / "tiepdan" / "locale"]

# --- Security ---------------------------------------------------------------------------
# Second factor for officials (TOTP). On in production; demo accounts may skip it in the embedded demo only.
REQUIRE_SECOND_FACTOR = env_bool("REQUIRE_SECOND_FACTOR", PRODUCTION, "Bắt buộc xác thực hai lớp (TOTP) với cán bộ.")
ALLOW_DEMO_ACCOUNTS = env_bool("ALLOW_DEMO_ACCOUNTS", not PRODUCTION, "Cho phép tài khoản trình diễn đăng nhập không cần lớp thứ hai.")
SECOND_FACTOR_CODE_HOURS = int(env("SECOND_FACTOR_CODE_HOURS", "72", "Mã kích hoạt xác thực hai lớp do quản trị hệ thống cấp còn hiệu lực bao nhiêu giờ (dùng một lần)."))
# Whose X-Forwarded-For / X-Forwarded-Proto to believe (config/asgi.py): only the reverse proxies named here.
# Anyone else can write those headers, and a changed header used to reset the login throttle.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "", "Địa chỉ IP (hoặc dải, ví dụ 10.0.0.0/24) của proxy ngược đứng trước máy chủ, phân cách bằng dấu phẩy; chỉ tin tiêu đề X-Forwarded-For/X-Forwarded-Proto từ các địa chỉ này. Trống: không tin ai.")
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5", "Số lần đăng nhập sai trước khi tạm khóa (tính riêng cho mỗi tài khoản và cho mỗi địa chỉ)."))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "0.25", "Thời gian tạm khóa (giờ)."))
# Two separate counters, each locking on its own: one account from any address (rotating addresses
# does not help), one address over any accounts (spraying one password does not either).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The address is REMOTE_ADDR, already resolved from trusted proxies only; never django-ipware's guess from headers.
AXES_CLIENT_IP_CALLABLE = "tiepdan.organisations.authentication.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True, "Ghi và giới hạn đăng nhập sai.")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tiepdan.organisations.password_validation.NotDemoPasswordValidator"},
]
OTP_TOTP_ISSUER = "Tiếp dân trực tuyến"
SESSION_COOKIE_AGE = 8 * 3600
# Sessions kept in the database and read through the cache: a request no longer waits on the database to learn
# who is asking. The cache is Redis where several web processes share it; the in-memory cache only where one
# process serves (``serve`` refuses more without Redis), so a sign-out is seen by every request at once.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere, in every environment, so the browser tests run under the policy
# production sends (core/app.js replaces inline handlers; htmx is configured not to inject a <style>).
# The room's page adds the SFU's WebSocket to connect-src (core/security.py media_page).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True, "Chuyển mọi yêu cầu sang HTTPS.")
    # No SECURE_PROXY_SSL_HEADER: the scheme a trusted proxy forwards is set in config/asgi.py, and no one else's.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000", "HSTS (giây)."))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- The audit log (core/audit.py): a keyed hash chain and signed checkpoints outside the database ------------
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", "", "Khóa HMAC-SHA256 của chuỗi nhật ký kiểm tra, không bao giờ lưu trong CSDL; trống: sinh từ SECRET_KEY. Đổi khóa (hoặc SECRET_KEY khi để trống) thì các bản ghi cũ không còn kiểm tra được.")
AUDIT_CHECKPOINT_DIR = Path(env("AUDIT_CHECKPOINT_DIR", str(DATA_DIR / "audit"), "Thư mục ghi mốc kiểm tra nhật ký (số bản ghi và mã bản ghi cuối, có chữ ký), mỗi giờ một dòng, chỉ ghi thêm; nên là ổ đĩa hoặc máy mà người quản trị CSDL không ghi được."))
AUDIT_CHECKPOINT_KEY = env("AUDIT_CHECKPOINT_KEY", "", "Bí mật sinh khóa ký Ed25519 của mốc kiểm tra nhật ký; trống: sinh từ SECRET_KEY.")

# --- Digital signatures (documents/signing.py, docs/SIGNING.md): issued PDFs and recordings' manifests ----------
# The demo identity of `manage.py make_signing_identity` is picked up when present; a real deployment names the
# agency's PKCS#12 (a hardware token or remote signing would be configured here too).
_demo_pki = DATA_DIR / "pki"
SIGNING_PKCS12_PATH = env("SIGNING_PKCS12_PATH", str(_demo_pki / "agency.p12") if (_demo_pki / "agency.p12").is_file() else "", "Tệp PKCS#12 (.p12) chứa khóa và chứng thư số của cơ quan dùng để ký văn bản và biên bản ghi hình; trống: không ký số (văn bản ghi «Chưa ký số»).")
SIGNING_PKCS12_PASSWORD = env("SIGNING_PKCS12_PASSWORD", "tiepdan-demo" if (_demo_pki / "agency.p12").is_file() else "", "Mật khẩu của tệp PKCS#12.")
SIGNING_TSA_URL = env("SIGNING_TSA_URL", "", "Địa chỉ dịch vụ cấp dấu thời gian RFC 3161 (http://...); trống: chữ ký không kèm dấu thời gian.")
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS", str(_demo_pki / "ca.pem") if (_demo_pki / "ca.pem").is_file() else "", "Tệp PEM chứng thư số gốc (CA) được tin cậy khi kiểm tra chữ ký, phân cách bằng dấu phẩy (ví dụ CA chuyên dùng Chính phủ).")
# Off by default: on the public check page fetching would make the server call URLs named in uploaded files.
SIGNING_FETCH_REVOCATION = env_bool("SIGNING_FETCH_REVOCATION", False, "Khi kiểm tra chữ ký, tải danh sách thu hồi (CRL/OCSP) theo địa chỉ ghi trong chứng thư số.")

# --- Product ------------------------------------------------------------------------------
BRIDGES_PROBE_HOST_ADDRESSES = env("BRIDGES_PROBE_HOST_ADDRESSES", "", "Địa chỉ IP máy chủ dùng cho kết nối kiểm tra điểm cầu (WebRTC), phân cách bằng dấu phẩy; trống: mọi giao diện mạng (kiểm thử: 127.0.0.1).")
DEMO_PROVINCE_CODE = int(env("TIEPDAN_DEMO_PROVINCE", "20", "Mã tỉnh dùng cho dữ liệu trình diễn (20 = Lạng Sơn)."))
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend" if not PRODUCTION else "django.core.mail.backends.smtp.EmailBackend", "Cách gửi thư điện tử.")
EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
EMAIL_HOST = env("EMAIL_HOST", "localhost", "Máy chủ SMTP.")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "tiepdan@localhost", "Địa chỉ gửi thư.")

# --- Live sessions: the Janus SFU (live/janus, live/backends/janus.py) -----------------------
JANUS_ENABLED = env_bool("JANUS_ENABLED", False, "Dùng máy chủ chuyển tiếp Janus (SFU) cho phiên trực tuyến; tắt: chạy nhúng, không dịch vụ (trình duyệt điểm cầu trung tâm).")
JANUS_BINARY = env("JANUS_BINARY", "/usr/bin/janus", "Tệp chạy Janus.")
JANUS_DIR = Path(env("JANUS_DIR", str(DATA_DIR / "janus"), "Thư mục cấu hình và nhật ký Janus do tiepdan sinh ra (không sửa /etc/janus)."))
JANUS_REC_DIR = Path(env("JANUS_REC_DIR", str(DATA_DIR / "recordings" / "janus"), "Thư mục Janus ghi hình (.mjr) khi bật ghi."))
JANUS_ADMIN_SECRET = env("JANUS_ADMIN_SECRET", "", "Khóa Admin API của Janus; trống: sinh từ SECRET_KEY.")
JANUS_HTTP_PORT = int(env("JANUS_HTTP_PORT", "8088", "Cổng HTTP API của Janus (chỉ 127.0.0.1, máy chủ ứng dụng dùng)."))
JANUS_ADMIN_PORT = int(env("JANUS_ADMIN_PORT", "7088", "Cổng Admin API của Janus (chỉ 127.0.0.1)."))
JANUS_WS_PORT = int(env("JANUS_WS_PORT", "8188", "Cổng WebSocket của Janus cho trình duyệt."))
JANUS_WS_IP = env("JANUS_WS_IP", "127.0.0.1", "Địa chỉ Janus lắng nghe WebSocket cho trình duyệt.")
JANUS_PUBLIC_WS_URL = env("JANUS_PUBLIC_WS_URL", "", "Địa chỉ WebSocket của Janus mà trình duyệt dùng (qua proxy wss://...); trống: ws://JANUS_WS_IP:JANUS_WS_PORT/.")
JANUS_SESSION_TIMEOUT_S = int(env("JANUS_SESSION_TIMEOUT_S", "60", "Janus bỏ phiên của trình duyệt im lặng quá số giây này."))
JANUS_ICE_ENFORCE_LIST = env("JANUS_ICE_ENFORCE_LIST", "", "Giao diện mạng Janus dùng cho ICE (\"lo\" khi kiểm thử).")
JANUS_RTP_PORT_RANGE = env("JANUS_RTP_PORT_RANGE", "20000-40000", "Dải cổng RTP của Janus.")
JANUS_HEALTH_TIMEOUT_S = float(env("JANUS_HEALTH_TIMEOUT_S", "3", "Janus không trả lời quá số giây này thì coi là hỏng và chuyển sang chế độ không dịch vụ."))
JANUS_COMPONENT_BITRATE_KBPS = int(env("JANUS_COMPONENT_BITRATE_KBPS", "1500", "Trần tốc độ phát của điểm cầu thành phần (đường lên 5 Mbps)."))
JANUS_CENTRAL_BITRATE_KBPS = int(env("JANUS_CENTRAL_BITRATE_KBPS", "4000", "Trần tốc độ phát của điểm cầu trung tâm."))
JANUS_EVENTS_URL = env("JANUS_EVENTS_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/phong-truc-tuyen/janus/su-kien/", "Địa chỉ của máy chủ ứng dụng (trên máy này) mà Janus báo sự kiện phòng, để tắt micro ngay khi một điểm cầu đang bị tắt micro bắt đầu phát (Nghị định 154, Điều 21); trống: tắt.")

# --- Live sessions: the no-services path (live/backends/mesh.py) ---------------------------------
import json as _json  # noqa: E402

LIVE_ICE_SERVERS = _json.loads(env("LIVE_ICE_SERVERS", "[]", "Máy chủ STUN/TURN cho trình duyệt, dạng JSON của RTCPeerConnection: [{\"urls\": \"stun:stun.example.vn:3478\"}, {\"urls\": \"turn:turn.example.vn:3478\", \"username\": \"...\", \"credential\": \"...\"}]; trống: chỉ kết nối trực tiếp (mạng nội bộ, kiểm thử)."))
LIVE_HEARTBEAT_S = float(env("LIVE_HEARTBEAT_S", "15", "Trình duyệt của điểm cầu hỏi máy chủ phòng họp sau mỗi ngần này giây; không được trả lời trong cùng khoảng thời gian đó thì tự kết nối lại."))
LIVE_JOIN_LINK_HOURS = int(env("LIVE_JOIN_LINK_HOURS", "48", "Đường dẫn tham gia cho điểm cầu còn hiệu lực bao nhiêu giờ kể từ khi cấp."))
LIVE_MAX_MESSAGE_BYTES = int(env("LIVE_MAX_MESSAGE_BYTES", str(64 * 1024), "Cỡ lớn nhất (byte) của một tin nhắn trình duyệt gửi lên phòng họp; một SDP cỡ vài KB. Tin lớn hơn bị từ chối, không chuyển tiếp."))
LIVE_MAX_MESSAGES_PER_S = float(env("LIVE_MAX_MESSAGES_PER_S", "50", "Số tin nhắn mỗi giây một kết nối phòng họp được gửi (trung bình); quá thì bị từ chối, các điểm cầu khác vẫn được phục vụ."))
LIVE_MESSAGE_BURST = int(env("LIVE_MESSAGE_BURST", "300", "Số tin nhắn một kết nối được gửi dồn một lúc (lúc vào phòng: SDP, ICE tới mọi điểm cầu của hình sao)."))

# --- Recordings (recordings/storage.py, recordings/ingest.py; docs/MEDIA.md "Recording") -------------
RECORDINGS_STORAGE = env("RECORDINGS_STORAGE", "local", "Nơi lưu bản ghi hình: «local» (thư mục dữ liệu) hoặc «s3» (kho lưu trữ tương thích S3, cấu hình bằng RECORDINGS_S3_*).")
RECORDINGS_LOCAL_DIR = Path(env("RECORDINGS_LOCAL_DIR", str(DATA_DIR / "recordings"), "Thư mục lưu bản ghi hình khi RECORDINGS_STORAGE=local; mỗi đoạn được ghi và đồng bộ xuống đĩa (fsync) trước khi báo đã nhận."))
RECORDINGS_S3_BUCKET = env("RECORDINGS_S3_BUCKET", "", "Tên kho (bucket) S3 lưu bản ghi hình.")
RECORDINGS_S3_ENDPOINT_URL = env("RECORDINGS_S3_ENDPOINT_URL", "", "Địa chỉ dịch vụ S3 (ví dụ https://s3.example.gov.vn); trống: AWS.")
RECORDINGS_S3_ACCESS_KEY_ID = env("RECORDINGS_S3_ACCESS_KEY_ID", "", "Mã khóa truy cập S3; trống: lấy từ môi trường của boto3.")
RECORDINGS_S3_SECRET_ACCESS_KEY = env("RECORDINGS_S3_SECRET_ACCESS_KEY", "", "Khóa bí mật S3; trống: lấy từ môi trường của boto3.")
RECORDINGS_S3_REGION = env("RECORDINGS_S3_REGION", "", "Vùng (region) của kho S3; trống: mặc định của boto3.")
RECORDINGS_S3_PREFIX = env("RECORDINGS_S3_PREFIX", "", "Tiền tố khóa trong kho S3 (nhiều hệ thống dùng chung một kho).")
RECORDINGS_S3_CACHE_DIR = Path(env("RECORDINGS_S3_CACHE_DIR", str(DATA_DIR / "recordings-cache"), "Thư mục tải tạm tệp từ S3 để ffmpeg xử lý (có thể xóa bất kỳ lúc nào)."))
RECORDINGS_S3_VERSIONING = env_bool("RECORDINGS_S3_VERSIONING", True, "Bật lưu nhiều phiên bản (versioning) cho kho S3 khi kho hỗ trợ: ghi đè hay xóa nhầm vẫn còn bản cũ.")
RECORDINGS_S3_OBJECT_LOCK_MODE = env("RECORDINGS_S3_OBJECT_LOCK_MODE", "", "Khóa đối tượng S3 (object lock): «COMPLIANCE» hoặc «GOVERNANCE»; trống: không khóa. Kho phải được tạo với object lock.")
RECORDINGS_S3_OBJECT_LOCK_DAYS = int(env("RECORDINGS_S3_OBJECT_LOCK_DAYS", "0", "Số ngày khóa mỗi đối tượng khi bật RECORDINGS_S3_OBJECT_LOCK_MODE."))
RECORDINGS_MAX_SLICE_BYTES = int(env("RECORDINGS_MAX_SLICE_BYTES", str(8 * 1024 * 1024), "Cỡ lớn nhất (byte) của một đoạn ghi hình (khoảng 2 giây) trình duyệt tải lên; 8 MiB dư cho 2 giây ở 25 Mbps."))
RECORDINGS_LATE_SLICE_S = int(env("RECORDINGS_LATE_SLICE_S", "15", "Sau khi phiên kết thúc, đoạn ghi hình cuối của mỗi trình duyệt còn được nhận trong ngần này giây (đoạn đang ghi dở lúc kết thúc); việc hoàn thiện bản ghi bắt đầu sau đó."))
RECORDINGS_MAX_SEQ_AHEAD = int(env("RECORDINGS_MAX_SEQ_AHEAD", "1800", "Một đoạn được đánh số vượt quá đoạn lớn nhất đã nhận bao nhiêu thì bị từ chối (1800 đoạn 2 giây = 1 giờ mất kết nối)."))
# Luật Lưu trữ 2024 and its lists of retention periods decide how long (docs/LEGAL.md, verify): 20 years is
# a long default so nothing is deleted early while the period is verified; each province sets its own.
RECORDINGS_RETENTION_YEARS = int(env("RECORDINGS_RETENTION_YEARS", "20", "Số năm lưu trữ bản ghi hình khi tỉnh chưa đặt thời hạn riêng (theo pháp luật về lưu trữ; cần đối chiếu danh mục thời hạn lưu trữ)."))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING", "Mức ghi nhật ký.")},
}
