"""Korean translations of the documents messages (merged by scripts/ko_translations.py)."""

KO: dict[str, str] = {
    "Documents": "문서",
    "record": "레코드",
    "file name": "파일 이름",
    "type": "형식",
    "size": "크기",
    "document": "문서",
    "documents": "문서",
    "The file is %(size)s; the largest allowed is %(limit)s.": "파일 크기가 %(size)s입니다. 최대 %(limit)s까지 올릴 수 있습니다.",
    "The file is empty.": "빈 파일입니다.",
    "This kind of file is not allowed. Allowed: %(types)s.": "이 종류의 파일은 올릴 수 없습니다. 허용: %(types)s.",
    "The file's content is %(type)s but its name does not end in .%(ext)s.": "파일 내용은 %(type)s인데 이름이 .%(ext)s(으)로 끝나지 않습니다.",
    "Delete": "삭제",
    "No documents yet.": "아직 문서가 없습니다.",
    "Upload": "올리기",
    "Choose a file to upload.": "올릴 파일을 선택하세요.",
    "“%(name)s” uploaded.": "“%(name)s”을(를) 올렸습니다.",
    "“%(name)s” deleted.": "“%(name)s”을(를) 삭제했습니다.",
}
