"""Every phrasing the classifier knows, as tables read top to bottom.

Adding a new wording AWS prints, a new copy artefact to undo or a new service refusal is a change to
this file, not to the extraction code. Regex fragments here must stay linear: literal words joined
by `\\s*` (hard wraps may eat or add spaces), bounded repetitions, no nested quantifiers.
"""

from __future__ import annotations

from core.record import DenialKind, PolicyType

# --- prefilter -----------------------------------------------------------------------------------
# A paste that contains none of these can hold no denial; most channel chatter stops here. They
# are matched case-sensitively (lower-casing every message would cost more than the search) and
# are chosen from inside words, so that AWS's own capitalisations all contain them.
TRIGGERS: tuple[str, ...] = (
    "uthori",  # is not authorized / Not authorized / UnauthorizedOperation / AuthorizationError
    "enied",  # AccessDenied, Access Denied, "... is denied."
    "xplicitDeny",  # decoded authorization messages
    "orbidden",  # S3 403 Forbidden, Identity Center ForbiddenException
    "o access",  # No access
    "iphertext refers",  # KMS
    "ake Formation",
    "ass role",  # Cross-account pass role is not allowed
    "ssumed by root",
    "ccess to the model",  # Bedrock
)

# Characters that invisible-character damage can insert inside a trigger word; removed before the
# prefilter looks (the full normaliser below removes them properly).
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")

# --- normalisation -------------------------------------------------------------------------------
# One character (or entity) in, its replacement out.
REPLACEMENTS: dict[str, str] = {
    # invisible characters: zero-width spaces and joiners, word joiner, BOM, soft hyphen, bidi marks
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\u00ad": "",
    "\u200e": "",
    "\u200f": "",
    "\u202a": "",
    "\u202b": "",
    "\u202c": "",
    "\u202d": "",
    "\u202e": "",
    "\u2066": "",
    "\u2067": "",
    "\u2068": "",
    "\u2069": "",
    # spaces that are not ASCII spaces
    "\t": " ",
    "\u00a0": " ",
    "\u2000": " ",
    "\u2001": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2004": " ",
    "\u2005": " ",
    "\u2006": " ",
    "\u2007": " ",
    "\u2008": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u205f": " ",
    "\u3000": " ",
    "\u2028": "\n",
    "\u2029": "\n",
    # Slack's HTML escaping of what users typed
    "&lt;": "<",
    "&gt;": ">",
    "&amp;": "&",
    "&quot;": '"',
    "&#39;": "'",
    "&#x27;": "'",
    # smart quotes and primes
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    # code fences and inline code: a space keeps the token boundary the backtick marked
    "`": " ",
    # dashes that fonts and word processors substitute for hyphens
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2212": "-",
}

# What may decorate the start of a line and is not part of the message: Terraform's gutters and box
# corners, markdown quotes (raw or Slack-escaped), bullets, numbering, CI timestamps and markers.
LINE_DECORATIONS = (
    r"(?:[│┃║╷╵|]"
    r"|(?:>|&gt;)"
    r"|[-*•·▪◦]\s"
    r"|\d{1,3}[.)]\s"
    r"|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?\s"
    r"|##\[(?:error|warning|debug|notice|group|endgroup)\]"
    r"|(?:ERROR|WARN(?:ING)?|INFO|DEBUG|FATAL)(?:\s*\||:)\s"
    r"|\[(?:ERROR|WARN(?:ING)?|INFO|DEBUG|FATAL)\]\s)"
)
# A character class of what a decoration can start with: tried first, so that an ordinary line
# start costs one character test instead of every alternative above.
DECORATION_START = r"[ \t│┃║╷╵|>&\-*•·▪◦0-9#EWIDF\[]"

# --- the canonical sentence ----------------------------------------------------------------------
# How each policy type is named after "in a/an/the" or "no". Hyphens may be spaces or wraps.
POLICY_TYPE_PHRASES: tuple[tuple[str, PolicyType], ...] = (
    (r"service\s*control\s*polic(?:y|ies)|SCPs?\b", PolicyType.SCP),
    (r"resource\s*control\s*polic(?:y|ies)|RCPs?\b", PolicyType.RCP),
    (r"VPC\s*endpoint\s*polic(?:y|ies)", PolicyType.VPC_ENDPOINT),
    (r"permissions?\s*boundar(?:y|ies)(?:\s*polic(?:y|ies))?", PolicyType.PERMISSIONS_BOUNDARY),
    (r"sessions?\s*polic(?:y|ies)", PolicyType.SESSION_POLICY),
    (r"resource\s*-?\s*based\s*polic(?:y|ies)", PolicyType.RESOURCE_BASED),
    (r"(?:role\s*)?trust\s*polic(?:y|ies)", PolicyType.ROLE_TRUST),
    (r"identity\s*-?\s*based\s*polic(?:y|ies)", PolicyType.IDENTITY_BASED),
)

# The anchor every canonical message shares.
NOT_AUTHORIZED = r"is\s*not\s*authori[sz]ed\s*to\s*perform"

# What names the caller before the anchor. Phrases are matched case-sensitively, as AWS prints
# them: that lets the regex engine skip ahead to the first letter of each.
PRINCIPAL_LABELS: tuple[str, ...] = (
    r"User\s*:",
    r"Service\s*Principal\s*:",
    r"Principal\s*:",
    r"Caller\s*:",
    r"Identity\s*:",
)

# What can follow the action or the resource in the canonical sentence, read top to bottom:
# (kind, regex). Each regex starts with a literal character. Kinds: `onthis`/`on` a resource,
# `explicit`/`implicit`/`kms`/`because` the reason, `trans` a transitive policy, `encoded` an EC2
# blob, `authz` the authorization-details preview, `end` the end of the sentence. The policy type
# after `because no` and `transitively through` is read by a second, anchored match.
STOP_PHRASES: tuple[tuple[str, str], ...] = (
    ("onthis", r"on\s*this\s*resource"),
    ("on", r"on\s*(?:the\s*)?resources?\s*:"),
    ("on", r"on\s*(?:the\s*)?resources?(?=\s*(?:arn:|\"))"),
    ("explicit", r"with\s*(?:an?|the)\s*explicit\s*deny"),
    ("kms", r"because\s*the\s*resource\s*does\s*not\s*exist\s*in\s*this\s*[Rr]egion"),
    ("implicit", r"because\s*no\s"),
    ("because", r"because\b"),
    ("trans", r"transitively\s*through\s"),
    ("encoded", r"Encoded\s*authorization\s*failure\s*message"),
    ("authz", r"Go\s*to\s*https?://\S{0,300}?#/authorization-details/"),
    ("authz", r"https?://\S{0,300}?#/authorization-details/"),
    ("authz", r"authorization\s*[Ii][Dd]\s*:"),
    ("authz", r"Authorization\s*[Ii][Dd]\s*:"),
    ("end", r"\.(?=\s|$)"),
    ("end", r"\n\n"),
    (
        "end",
        r"\n(?=\s*(?:status\s*code|request\s*id|\(Service|at\s|Traceback|File\s\"|\{|\}|\[|\]"
        r"|[A-Za-z.]{0,80}(?:Exception|Error)\b))",
    ),
    ("end", r" \((?:Service|Status\s*Code|Request\s*ID)\s*:"),
    ("end", r";"),
    ("end", r"\""),
    ("end", r"'"),
    ("end", r"\\"),
    ("end", r"</"),
    *(("end", label) for label in PRINCIPAL_LABELS),
    ("end", NOT_AUTHORIZED),
)

# --- wrappers that name an error code, an operation, a request id --------------------------------
# Error codes that mean "a policy refused this request".
DENIAL_ERROR_CODES: frozenset[str] = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AccessDeniedError",
        "UnauthorizedOperation",
        "Client.UnauthorizedOperation",
        "UnauthorizedAccess",
        "UnauthorizedException",
        "AuthorizationError",
        "AuthorizationErrorException",
        "AuthorizationException",
        "ForbiddenException",  # (Cognito's NotAuthorizedException is a login failure: not here)
        "Forbidden",
        "403",
        "InsufficientPermissionsException",
        "AccessDenied.Forbidden",
    }
)

# --- service-specific refusals that do not use the canonical sentence ----------------------------
# (kind, gate, regex, action implied by the message or None). The regex runs only on pastes that
# contain the gate (line breaks removed). Named groups, when present, fill fields: `resource`,
# `action`, `message`.
SERVICE_MESSAGES: tuple[tuple[DenialKind, str, str, str | None], ...] = (
    (
        DenialKind.KMS_KEY_UNKNOWN,
        "iphertext",
        r"(?P<message>The\s*ciphertext\s*refers\s*to\s*a\s*customer\s*master\s*key\s*that\s*does"
        r"\s*not\s*exist[^\n]{0,200})",
        None,
    ),
    (
        DenialKind.STS_WEB_IDENTITY,
        "WebIdentity",
        r"(?<!is )(?P<message>Not\s*authori[sz]ed\s*to\s*perform:?\s*"
        r"(?P<action>sts:AssumeRoleWithWebIdentity))",
        "sts:AssumeRoleWithWebIdentity",
    ),
    (
        DenialKind.STS_SAML,
        "WithSAML",
        r"(?<!is )(?P<message>Not\s*authori[sz]ed\s*to\s*perform:?\s*"
        r"(?P<action>sts:AssumeRoleWithSAML))",
        "sts:AssumeRoleWithSAML",
    ),
    (
        DenialKind.SQS_ACCESS,
        "sqs.",
        r"(?P<message>Access\s*to\s*the\s*resource\s*(?P<resource>https?://sqs[.][^\s]{1,300}?)"
        r"\s*is\s*denied)",
        None,
    ),
    (
        DenialKind.IDENTITY_CENTER_NO_ACCESS,
        "ForbiddenException",
        r"ForbiddenException\b[^\n]{0,200}?(?P<message>\bNo\s*access)",
        None,
    ),
    (
        DenialKind.LAKE_FORMATION,
        "Formation",
        r"(?P<message>Insufficient\s*Lake\s*Formation\s*permission\(?s?\)?[^\n]{0,300})",
        None,
    ),
    (
        DenialKind.BEDROCK_MODEL_ACCESS,
        "the model",
        r"(?P<message>You\s*don'?t\s*have\s*access\s*to\s*the\s*model(?:\s*with\s*the\s*specified"
        r"\s*model\s*ID)?\.?)",
        None,
    ),
    (
        DenialKind.CROSS_ACCOUNT_PASS_ROLE,
        "ass role",
        r"(?P<message>Cross\s*-?\s*account\s*pass\s*role\s*is\s*not\s*allowed\.?)",
        "iam:PassRole",
    ),
    (
        DenialKind.ROOT_ASSUME_ROLE,
        "by root",
        r"(?P<message>Roles\s*may\s*not\s*be\s*assumed\s*by\s*root\s*accounts?\.?)",
        "sts:AssumeRole",
    ),
)

# --- CloudTrail ----------------------------------------------------------------------------------
# eventSource hosts whose IAM action prefix is not the host's first label.
EVENT_SOURCE_PREFIXES: dict[str, str] = {
    "monitoring": "cloudwatch",
    "email": "ses",
    "runtime.sagemaker": "sagemaker",
    "api.sagemaker": "sagemaker",
    "runtime.lex": "lex",
    "models.lex": "lex",
    "bedrock-runtime": "bedrock",
    "execute-api": "execute-api",
    "elasticmapreduce": "elasticmapreduce",
    "es": "es",
    "tagging": "tag",
    "signin": "signin",
    "cognito-idp": "cognito-idp",
    "ecr-public": "ecr-public",
    "s3-outposts": "s3-outposts",
}

# --- detail-less refusals ------------------------------------------------------------------------
# Words near an unexplained AccessDenied that say the refusal came from S3.
S3_HINTS: tuple[str, ...] = (
    "Amazon S3",
    "Service: S3",
    "S3Exception",
    "AmazonS3Exception",
    "<HostId>",
    "host id:",
    "HostID:",
    "S3 Extended Request ID",
    "Extended Request ID",
    "s3.amazonaws.com",
    "operation error S3:",
)
# Operation names with these words are S3's.
S3_OPERATION_WORDS: tuple[str, ...] = ("Object", "Bucket", "Multipart", "UploadPart")
# Text that closes an error body: a wrapper's error code printed before one of these belongs to
# that error, not to a denial that follows it.
ERROR_CLOSERS: tuple[str, ...] = ("Access Denied", "</Message>", "</Error>")
