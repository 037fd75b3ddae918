<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
<context>
    <name>CompareController</name>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Select a file in the queue to compare engines on it.</source>
        <translation>엔진을 비교할 파일을 대기열에서 고르세요.</translation>
    </message>
    <message>
        <source>The audio of %s is not there any more.</source>
        <translation>%s의 오디오 파일이 더 이상 없습니다.</translation>
    </message>
    <message>
        <source>The audio of this transcript is not there any more.</source>
        <translation>이 전사의 오디오 파일이 더 이상 없습니다.</translation>
    </message>
    <message>
        <source>%1 (compare: %2)</source>
        <translation>%1 (비교: %2)</translation>
    </message>
    <message>
        <source>No engine could transcribe %s.</source>
        <translation>어떤 엔진도 %s을(를) 전사하지 못했습니다.</translation>
    </message>
    <message>
        <source>Could not compare the transcripts: %s</source>
        <translation>전사를 비교할 수 없습니다: %s</translation>
    </message>
    <message>
        <source>%s (reviewed)</source>
        <translation>%s (검토함)</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Compare engines</source>
        <translation>엔진 비교</translation>
    </message>
    <message>
        <source>Transcribe %s with two or three engines and review where they differ.</source>
        <translation>%s을(를) 엔진 두세 개로 전사하고 서로 다른 곳을 검토합니다.</translation>
    </message>
    <message>
        <source>key needed</source>
        <translation>키 필요</translation>
    </message>
    <message>
        <source>Enter this engine&apos;s keys in Settings to compare with it.</source>
        <translation>이 엔진과 비교하려면 설정에서 키를 입력하세요.</translation>
    </message>
    <message>
        <source>&lt;a href=&apos;#&apos;&gt;Open Settings&lt;/a&gt; to enter missing keys.</source>
        <translation>없는 키는 &lt;a href=&apos;#&apos;&gt;설정&lt;/a&gt;에서 입력하세요.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Glossary:</source>
        <translation>용어집:</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>Choose two or three engines.</source>
        <translation>엔진을 두 개나 세 개 고르세요.</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <source>Drop audio or video files here</source>
        <translation>오디오나 동영상 파일을 여기에 끌어다 놓으세요</translation>
    </message>
    <message>
        <source>Drop audio or video files or folders here</source>
        <translation>오디오·동영상 파일이나 폴더를 여기에 끌어다 놓으세요</translation>
    </message>
    <message>
        <source>WAV, MP3, M4A, FLAC, OGG, Opus, WebM, AMR, MP4, MOV, MKV … · Ctrl+O to open</source>
        <translation>WAV, MP3, M4A, FLAC, OGG, Opus, WebM, AMR, MP4, MOV, MKV … · Ctrl+O로 열기</translation>
    </message>
    <message>
        <source>Open Settings</source>
        <translation>설정 열기</translation>
    </message>
    <message>
        <source>{engine} needs its keys before it can transcribe. Nothing was queued.</source>
        <translation>{engine}은(는) 키를 입력해야 변환할 수 있습니다. 대기열에 추가하지 않았습니다.</translation>
    </message>
    <message>
        <source>Open files…</source>
        <translation>파일 열기…</translation>
    </message>
    <message>
        <source>Open audio or video files (Ctrl+O)</source>
        <translation>오디오 또는 동영상 파일 열기(Ctrl+O)</translation>
    </message>
</context>
<context>
    <name>EngineOptionsPanel</name>
    <message>
        <source>Engine options</source>
        <translation>엔진 옵션</translation>
    </message>
    <message>
        <source>Keywords</source>
        <translation>키워드</translation>
    </message>
    <message>
        <source>Biasing</source>
        <translation>바이어싱</translation>
    </message>
    <message>
        <source>Forbidden words</source>
        <translation>금칙어</translation>
    </message>
    <message>
        <source>Word lists</source>
        <translation>단어 목록</translation>
    </message>
    <message>
        <source>Language of the speech</source>
        <translation>음성의 언어</translation>
    </message>
    <message>
        <source>This engine recognises one language only.</source>
        <translation>이 엔진은 한 가지 언어만 인식합니다.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>언어(&amp;L):</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>&amp;Separate speakers (diarization)</source>
        <translation>화자 분리(&amp;S)</translation>
    </message>
    <message>
        <source>Separate speakers</source>
        <translation>화자 분리</translation>
    </message>
    <message>
        <source>Number of speakers</source>
        <translation>화자 수</translation>
    </message>
    <message>
        <source>Automatic lets the engine decide.</source>
        <translation>&apos;자동&apos;이면 엔진이 정합니다.</translation>
    </message>
    <message>
        <source>Spea&amp;kers:</source>
        <translation>화자 수(&amp;K):</translation>
    </message>
    <message>
        <source>Fewest speakers</source>
        <translation>최소 화자 수</translation>
    </message>
    <message>
        <source>Most speakers</source>
        <translation>최대 화자 수</translation>
    </message>
    <message>
        <source>to</source>
        <translation>~</translation>
    </message>
    <message>
        <source>Command line: --option %s=…</source>
        <translation>명령줄: --option %s=…</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>한국어</translation>
    </message>
    <message>
        <source>English</source>
        <translation>영어</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>일본어</translation>
    </message>
    <message>
        <source>Chinese (Simplified)</source>
        <translation>중국어(간체)</translation>
    </message>
    <message>
        <source>Chinese (Traditional)</source>
        <translation>중국어(번체)</translation>
    </message>
    <message>
        <source>Korean and English mixed</source>
        <translation>한국어·영어 혼용</translation>
    </message>
    <message>
        <source>Detect automatically</source>
        <translation>자동 감지</translation>
    </message>
    <message>
        <source>Several languages in one file</source>
        <translation>한 파일에 여러 언어</translation>
    </message>
</context>
<context>
    <name>EnginePage</name>
    <message>
        <source>&amp;Test connection</source>
        <translation>연결 테스트(&amp;T)</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>연결 테스트</translation>
    </message>
    <message>
        <source>Makes one small request with the keys and address above.</source>
        <translation>위의 키와 주소로 작은 요청을 한 번 보냅니다.</translation>
    </message>
    <message>
        <source>Checks that the speech model is installed.</source>
        <translation>음성 모델이 설치되어 있는지 확인합니다.</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>키</translation>
    </message>
    <message>
        <source>This engine uses the keys of %s.</source>
        <translation>이 엔진은 %s의 키를 함께 씁니다.</translation>
    </message>
    <message>
        <source>Edit those keys</source>
        <translation>그 키 편집하기</translation>
    </message>
    <message>
        <source>&amp;Delete saved keys</source>
        <translation>저장된 키 삭제(&amp;D)</translation>
    </message>
    <message>
        <source>Delete the keys saved in the keyring</source>
        <translation>키링에 저장된 키 삭제</translation>
    </message>
    <message>
        <source>Speech model</source>
        <translation>음성 모델</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>연결</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>모델 폴더</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Choose the model folder</source>
        <translation>모델 폴더 고르기</translation>
    </message>
    <message>
        <source>&amp;Model folder:</source>
        <translation>모델 폴더(&amp;M):</translation>
    </message>
    <message>
        <source>&amp;Endpoint (optional):</source>
        <translation>엔드포인트(선택)(&amp;E):</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <source>Leave empty to use the service&apos;s address.</source>
        <translation>비워 두면 서비스의 기본 주소를 씁니다.</translation>
    </message>
    <message>
        <source>Set by the environment variable %s, which wins.</source>
        <translation>환경 변수 %s로 설정되어 있으며, 이 값이 우선합니다.</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>호스트</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>호스트(&amp;H):</translation>
    </message>
    <message>
        <source> s</source>
        <translation>초</translation>
    </message>
    <message>
        <source>Seconds between status checks</source>
        <translation>상태 확인 간격(초)</translation>
    </message>
    <message>
        <source>Check &amp;progress every:</source>
        <translation>진행 상태 확인 간격(&amp;P):</translation>
    </message>
    <message>
        <source>Reading the keyring…</source>
        <translation>키링을 읽는 중…</translation>
    </message>
    <message>
        <source>The keyring is not available</source>
        <translation>키링을 쓸 수 없습니다</translation>
    </message>
    <message>
        <source>Paste it from the provider&apos;s console</source>
        <translation>서비스 콘솔에서 복사해 붙여 넣으세요</translation>
    </message>
    <message>
        <source>From the environment variable %s</source>
        <translation>환경 변수 %s의 값</translation>
    </message>
    <message>
        <source>Stored in the keyring</source>
        <translation>키링에 저장됨</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>설정 안 됨</translation>
    </message>
    <message>
        <source>New value: saved to the keyring when you press Save</source>
        <translation>새 값: &apos;저장&apos;을 누르면 키링에 저장됩니다</translation>
    </message>
    <message>
        <source>Delete saved keys</source>
        <translation>저장된 키 삭제</translation>
    </message>
    <message>
        <source>Delete the keys of %s from the keyring?</source>
        <translation>키링에서 %s의 키를 삭제할까요?</translation>
    </message>
    <message>
        <source>The saved keys were deleted.</source>
        <translation>저장된 키를 삭제했습니다.</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>테스트 중…</translation>
    </message>
    <message>
        <source>The speech model is ready.</source>
        <translation>음성 모델이 준비되어 있습니다.</translation>
    </message>
    <message>
        <source>Connected: the address and keys work.</source>
        <translation>연결 성공: 주소와 키가 올바릅니다.</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export transcript</source>
        <translation>변환 결과 내보내기</translation>
    </message>
    <message>
        <source>Formats</source>
        <translation>형식</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>옵션</translation>
    </message>
    <message>
        <source>Timestamps in text files</source>
        <translation>텍스트 파일에 타임스탬프 넣기</translation>
    </message>
    <message>
        <source>Adds [hh:mm:ss] before each line of a TXT export; other formats keep times.</source>
        <translation>TXT로 내보낼 때 줄마다 앞에 [hh:mm:ss]를 붙입니다. 다른 형식은 항상 시간을 담습니다.</translation>
    </message>
    <message>
        <source>Speaker names</source>
        <translation>화자 이름</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>폴더</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>파일 이름</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>폴더(&amp;F):</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>파일 이름(&amp;N):</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>폴더 열기</translation>
    </message>
    <message>
        <source>Choose at least one format.</source>
        <translation>형식을 하나 이상 고르세요.</translation>
    </message>
    <message>
        <source>Choose a folder.</source>
        <translation>폴더를 고르세요.</translation>
    </message>
    <message>
        <source>Enter a file name.</source>
        <translation>파일 이름을 입력하세요.</translation>
    </message>
    <message>
        <source>Will write: {0}</source>
        <translation>저장할 파일: {0}</translation>
    </message>
    <message>
        <source>Will replace: {0}</source>
        <translation>덮어쓸 파일: {0}</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>내보낼 폴더</translation>
    </message>
    <message>
        <source>Saved {0} of {1} files.</source>
        <translation>파일 {1}개 중 {0}개를 저장했습니다.</translation>
    </message>
    <message>
        <source>Saved {0} in {1}</source>
        <translation>{1}에 {0}을(를) 저장했습니다</translation>
    </message>
    <message>
        <source>Still writing the files; closing when they are done.</source>
        <translation>아직 파일을 저장하는 중입니다. 끝나면 닫힙니다.</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find and replace</source>
        <translation>찾아 바꾸기</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>찾기</translation>
    </message>
    <message>
        <source>Text to find</source>
        <translation>찾을 텍스트</translation>
    </message>
    <message>
        <source>Previous match (Shift+F3)</source>
        <translation>이전 찾기(Shift+F3)</translation>
    </message>
    <message>
        <source>Next match (F3)</source>
        <translation>다음 찾기(F3)</translation>
    </message>
    <message>
        <source>Replace with</source>
        <translation>바꿀 내용</translation>
    </message>
    <message>
        <source>Replacement text</source>
        <translation>바꿀 텍스트</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>바꾸기</translation>
    </message>
    <message>
        <source>Replace all</source>
        <translation>모두 바꾸기</translation>
    </message>
    <message>
        <source>Close (Escape)</source>
        <translation>닫기(Esc)</translation>
    </message>
    <message>
        <source>Replaced {0}</source>
        <translation>{0}개 바꿈</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>찾는 내용 없음</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{1}개 중 {0}번째</translation>
    </message>
    <message>
        <source>1 match</source>
        <translation>1개 찾음</translation>
    </message>
    <message>
        <source>{0} matches</source>
        <translation>{0}개 찾음</translation>
    </message>
</context>
<context>
    <name>GeneralPage</name>
    <message>
        <source>General</source>
        <translation>일반</translation>
    </message>
    <message>
        <source>Default engine</source>
        <translation>기본 엔진</translation>
    </message>
    <message>
        <source>offline, no account</source>
        <translation>오프라인, 계정 불필요</translation>
    </message>
    <message>
        <source>keys set</source>
        <translation>키 설정됨</translation>
    </message>
    <message>
        <source>keys missing</source>
        <translation>키 없음</translation>
    </message>
    <message>
        <source>Default &amp;engine:</source>
        <translation>기본 엔진(&amp;E):</translation>
    </message>
    <message>
        <source>Next to each source file</source>
        <translation>원본 파일과 같은 폴더</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>저장 폴더</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Choose the output folder</source>
        <translation>저장 폴더 고르기</translation>
    </message>
    <message>
        <source>&amp;Output folder:</source>
        <translation>저장 폴더(&amp;O):</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>화면 언어</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>시스템 언어</translation>
    </message>
    <message>
        <source>Interface &amp;language:</source>
        <translation>화면 언어(&amp;L):</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>테마(&amp;T):</translation>
    </message>
    <message>
        <source>The new language is used the next time Sori starts.</source>
        <translation>바꾼 언어는 Sori를 다시 시작하면 적용됩니다.</translation>
    </message>
</context>
<context>
    <name>GlossaryChoice</name>
    <message>
        <source>&amp;Glossary:</source>
        <translation>용어집(&amp;G):</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>용어집</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>편집…</translation>
    </message>
    <message>
        <source>Create, edit, import or export glossaries</source>
        <translation>용어집 만들기, 편집, 가져오기, 내보내기</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
</context>
<context>
    <name>GlossaryDialog</name>
    <message>
        <source>Glossaries</source>
        <translation>용어집</translation>
    </message>
    <message>
        <source>Glossary entries</source>
        <translation>용어집 항목</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>새로 만들기…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>가져오기…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>내보내기…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <source>One entry a line: WORD[:WEIGHT] or WORD[:WEIGHT] = HEARD_AS, …</source>
        <translation>한 줄에 한 항목: 단어[:가중치] 또는 단어[:가중치] = 잘못 들은 말, …</translation>
    </message>
    <message>
        <source>Create or import a glossary.</source>
        <translation>용어집을 만들거나 가져오세요.</translation>
    </message>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>항목 %n개</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n heard-as forms</source>
        <translation>
            <numerusform>잘못 들은 말 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>Glossary not saved</source>
        <translation>용어집을 저장하지 않음</translation>
    </message>
    <message>
        <source>The glossary has an error and cannot be saved. Close and lose the changes?</source>
        <translation>용어집에 오류가 있어 저장할 수 없습니다. 바뀐 내용을 버리고 닫을까요?</translation>
    </message>
    <message>
        <source>New glossary</source>
        <translation>새 용어집</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>이름:</translation>
    </message>
    <message>
        <source>Exported to %s</source>
        <translation>%s(으)로 내보냈습니다</translation>
    </message>
    <message>
        <source>Import a glossary</source>
        <translation>용어집 가져오기</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>텍스트 파일 (*.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Export the glossary</source>
        <translation>용어집 내보내기</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>텍스트 파일 (*.txt)</translation>
    </message>
    <message>
        <source>Delete glossary</source>
        <translation>용어집 삭제</translation>
    </message>
    <message>
        <source>Delete the glossary &apos;%s&apos;?</source>
        <translation>&apos;%s&apos; 용어집을 삭제할까요?</translation>
    </message>
</context>
<context>
    <name>GlossaryFixOffer</name>
    <message numerus="yes">
        <source>Fix %n instances</source>
        <translation>
            <numerusform>%n곳 고치기</numerusform>
        </translation>
    </message>
    <message>
        <source>Replace what the engine heard with the glossary&apos;s words (%s)</source>
        <translation>엔진이 잘못 들은 말을 용어집의 단어로 바꿉니다(%s)</translation>
    </message>
    <message>
        <source>The glossary &apos;%s&apos; lists words this transcript misheard.</source>
        <translation>&apos;%s&apos; 용어집에 이 전사가 잘못 들은 단어가 있습니다.</translation>
    </message>
    <message>
        <source>Fix glossary words</source>
        <translation>용어집 단어 고치기</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>History</source>
        <translation>기록</translation>
    </message>
    <message>
        <source>Locate file…</source>
        <translation>파일 찾기…</translation>
    </message>
    <message>
        <source>Finished transcripts appear here.</source>
        <translation>완료된 변환 결과가 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>The media file is no longer at {path}: locate it to play, export with timing or transcribe it again.</source>
        <translation>미디어 파일이 더 이상 {path}에 없습니다. 재생하거나 시간 정보와 함께 내보내거나 다시 변환하려면 파일을 찾아 주세요.</translation>
    </message>
    <message>
        <source>Locate {name}</source>
        <translation>{name} 찾기</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <source>Compare engines…</source>
        <translation>엔진 비교…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>이름 바꾸기…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>이름 바꾸기</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>제목:</translation>
    </message>
    <message>
        <source>Delete transcript</source>
        <translation>변환 결과 삭제</translation>
    </message>
    <message>
        <source>Delete this transcript from the history?</source>
        <translation>이 변환 결과를 기록에서 삭제할까요?</translation>
    </message>
</context>
<context>
    <name>LiveView</name>
    <message>
        <source>Text appears here as it is recognised.</source>
        <translation>인식되는 대로 여기에 텍스트가 나타납니다.</translation>
    </message>
    <message>
        <source>Live transcript</source>
        <translation>실시간 변환 결과</translation>
    </message>
    <message>
        <source>Grey italic text is provisional and may still change.</source>
        <translation>회색 기울임꼴 텍스트는 임시 결과라서 바뀔 수 있습니다.</translation>
    </message>
    <message>
        <source>Jump to latest ↓</source>
        <translation>최신 내용으로 ↓</translation>
    </message>
    <message>
        <source>Jump to the latest text</source>
        <translation>최신 텍스트로 이동</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Export…</source>
        <translation>내보내기…</translation>
    </message>
    <message>
        <source>https://… public address of an audio file</source>
        <translation>https://… 오디오 파일의 공개 주소</translation>
    </message>
    <message>
        <source>Public URL</source>
        <translation>공개 URL</translation>
    </message>
    <message>
        <source>Add URL</source>
        <translation>URL 추가</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <source>Run again with…</source>
        <translation>다른 엔진으로 다시 실행…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>목록에서 제거</translation>
    </message>
    <message>
        <source>Copy error details</source>
        <translation>오류 정보 복사</translation>
    </message>
    <message>
        <source>Export the transcript (Ctrl+E)</source>
        <translation>변환 결과 내보내기(Ctrl+E)</translation>
    </message>
    <message>
        <source>&amp;Compare engines…</source>
        <translation>엔진 비교(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Glossaries…</source>
        <translation>용어집(&amp;G)…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation>재생(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>단축키(&amp;K)</translation>
    </message>
    <message>
        <source>Drop files above or press Record.

Ctrl+O  open audio or video files
Ctrl+R  record and transcribe live
Ctrl+,  settings: engines and their keys

The transcript appears here.</source>
        <translation>위에 파일을 끌어다 놓거나 녹음을 누르세요.

Ctrl+O  오디오·동영상 파일 열기
Ctrl+R  녹음하며 실시간 변환
Ctrl+,  설정: 엔진과 키

변환 결과가 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>Ready. The offline engine needs no account.</source>
        <translation>준비되었습니다. 오프라인 엔진은 계정 없이 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>열기(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>내보내기(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>설정(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>편집(&amp;E)</translation>
    </message>
    <message>
        <source>Connection lost; reconnecting (%d)… %s</source>
        <translation>연결이 끊겨 다시 연결하는 중(%d번째)… %s</translation>
    </message>
    <message>
        <source>Open audio or video</source>
        <translation>오디오 또는 동영상 열기</translation>
    </message>
    <message>
        <source>Media files</source>
        <translation>미디어 파일</translation>
    </message>
    <message>
        <source>Enter an address starting with https://</source>
        <translation>https://로 시작하는 주소를 입력하세요</translation>
    </message>
    <message>
        <source>Resumed from the last session</source>
        <translation>지난 실행에서 이어 받는 중</translation>
    </message>
    <message>
        <source>Compare engines…</source>
        <translation>엔진 비교…</translation>
    </message>
    <message>
        <source>Error details copied</source>
        <translation>오류 정보를 복사했습니다</translation>
    </message>
    <message>
        <source>%s could not be transcribed.</source>
        <translation>%s을(를) 변환하지 못했습니다.</translation>
    </message>
    <message>
        <source>Cancelled. Retry starts it again.</source>
        <translation>취소되었습니다. &apos;다시 시도&apos;를 누르면 처음부터 다시 합니다.</translation>
    </message>
    <message>
        <source>The transcript appears here when it is done.</source>
        <translation>변환이 끝나면 결과가 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>%s cannot transcribe live. Choose one of: %s.</source>
        <translation>%s은(는) 실시간 변환을 지원하지 않습니다. 다음 중에서 고르세요: %s.</translation>
    </message>
    <message>
        <source>Recording %s</source>
        <translation>녹음 %s</translation>
    </message>
    <message>
        <source>Work in progress</source>
        <translation>작업 진행 중</translation>
    </message>
    <message>
        <source>Jobs or a recording are still running. Stop them and quit?
Cloud jobs already accepted are picked up again next time.</source>
        <translation>작업이나 녹음이 아직 진행 중입니다. 중지하고 끝낼까요?
클라우드에 이미 접수된 작업은 다음에 실행할 때 이어서 받아 옵니다.</translation>
    </message>
    <message>
        <source>Finished: %s</source>
        <translation>완료: %s</translation>
    </message>
    <message>
        <source>Saved %s</source>
        <translation>%s 저장됨</translation>
    </message>
</context>
<context>
    <name>Player</name>
    <message>
        <source>Audio player</source>
        <translation>오디오 플레이어</translation>
    </message>
    <message>
        <source>Playback position</source>
        <translation>재생 위치</translation>
    </message>
    <message>
        <source>Playback time</source>
        <translation>재생 시간</translation>
    </message>
    <message>
        <source>Playback is not available: the Qt multimedia libraries could not load.</source>
        <translation>재생할 수 없습니다: Qt 멀티미디어 라이브러리를 불러오지 못했습니다.</translation>
    </message>
    <message>
        <source>No sound output device was found, so nothing can be heard; the position still follows the transcript.</source>
        <translation>소리 출력 장치가 없어 들을 수는 없지만, 재생 위치는 변환 결과를 계속 따라갑니다.</translation>
    </message>
    <message>
        <source>The audio file {0} is not there any more; playback is off.</source>
        <translation>오디오 파일 {0}이(가) 더 이상 없어 재생을 끕니다.</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>재생</translation>
    </message>
    <message>
        <source>Cannot play {0}: {1}</source>
        <translation>{0}을(를) 재생할 수 없습니다: {1}</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>알 수 없는 오류</translation>
    </message>
</context>
<context>
    <name>QueueTable</name>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>길이</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>엔진</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>소요 시간</translation>
    </message>
    <message>
        <source>%s left</source>
        <translation>%s 남음</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>시작하는 중</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>Decoding</source>
        <translation>오디오 읽는 중</translation>
    </message>
    <message>
        <source>Uploading</source>
        <translation>업로드 중</translation>
    </message>
    <message>
        <source>Transcribing</source>
        <translation>변환 중</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>다운로드 중</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>작업 목록</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>진행률</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <source>Input device</source>
        <translation>입력 장치</translation>
    </message>
    <message>
        <source>● Record</source>
        <translation>● 녹음</translation>
    </message>
    <message>
        <source>Record and transcribe live (Ctrl+R)</source>
        <translation>녹음하면서 실시간으로 변환(Ctrl+R)</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>녹음</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Input level</source>
        <translation>입력 레벨</translation>
    </message>
    <message>
        <source>Recording time</source>
        <translation>녹음 시간</translation>
    </message>
    <message>
        <source>Input:</source>
        <translation>입력:</translation>
    </message>
    <message>
        <source>Looking for microphones…</source>
        <translation>마이크를 찾는 중…</translation>
    </message>
    <message>
        <source>No microphone was found.</source>
        <translation>마이크를 찾지 못했습니다.</translation>
    </message>
    <message>
        <source>No input device</source>
        <translation>입력 장치 없음</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>시스템 기본값</translation>
    </message>
    <message>
        <source>Finishing…</source>
        <translation>마무리하는 중…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>계속</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 중지</translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <source>Compare engines — %s</source>
        <translation>엔진 비교 — %s</translation>
    </message>
    <message>
        <source>Compare engines</source>
        <translation>엔진 비교</translation>
    </message>
    <message>
        <source>Reviewed transcript</source>
        <translation>검토 중인 전사</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 이전</translation>
    </message>
    <message>
        <source>Previous difference (Shift+F8)</source>
        <translation>이전 차이 (Shift+F8)</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>다음 ▶</translation>
    </message>
    <message>
        <source>Next difference (F8)</source>
        <translation>다음 차이 (F8)</translation>
    </message>
    <message>
        <source>Play span</source>
        <translation>구간 재생</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>다시 실행</translation>
    </message>
    <message>
        <source>Export transcript…</source>
        <translation>전사 내보내기…</translation>
    </message>
    <message>
        <source>Export comparison (HTML)…</source>
        <translation>비교 내보내기(HTML)…</translation>
    </message>
    <message>
        <source>Your text for this span</source>
        <translation>이 구간에 쓸 내 텍스트</translation>
    </message>
    <message>
        <source>Or type the text for this span</source>
        <translation>또는 이 구간의 텍스트를 직접 입력하세요</translation>
    </message>
    <message>
        <source>Use my text</source>
        <translation>내 텍스트 쓰기</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>편집</translation>
    </message>
    <message>
        <source>Agreement %1% — %2 of %3 spans differ.</source>
        <translation>일치율 %1% — 구간 %3개 중 %2개가 다릅니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n changed.</source>
        <translation>
            <numerusform>%n개 바꿈.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 실패: %2</translation>
    </message>
    <message>
        <source>No differences</source>
        <translation>차이 없음</translation>
    </message>
    <message>
        <source>Difference %1 of %2 at %3</source>
        <translation>차이 %2개 중 %1번째 (%3)</translation>
    </message>
    <message>
        <source>Choose text</source>
        <translation>텍스트 고르기</translation>
    </message>
    <message>
        <source>Export the comparison</source>
        <translation>비교 내보내기</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>웹 페이지 (*.html)</translation>
    </message>
</context>
<context>
    <name>SegmentEditor</name>
    <message>
        <source>Segment text</source>
        <translation>구간 텍스트</translation>
    </message>
    <message>
        <source>Enter saves, Escape cancels, Ctrl+Enter splits the segment at the cursor</source>
        <translation>Enter는 저장, Esc는 취소, Ctrl+Enter는 커서 위치에서 구간 나누기</translation>
    </message>
    <message>
        <source>Split segment here</source>
        <translation>여기서 구간 나누기</translation>
    </message>
</context>
<context>
    <name>SegmentTable</name>
    <message>
        <source>Transcript segments</source>
        <translation>변환 결과 구간</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>화자</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>설정 페이지</translation>
    </message>
    <message>
        <source>General</source>
        <translation>일반</translation>
    </message>
    <message>
        <source>⚠ No secure keyring is available, so keys cannot be saved. Sori never stores keys anywhere else.</source>
        <translation>⚠ 안전한 키링을 쓸 수 없어 키를 저장할 수 없습니다. Sori는 키를 다른 곳에 절대 저장하지 않습니다.</translation>
    </message>
    <message>
        <source>The settings file could not be written: %s</source>
        <translation>설정 파일을 쓸 수 없습니다: %s</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Play/pause (in the transcript, not editing)</source>
        <translation>재생/일시 정지(전사문에서, 편집 중이 아닐 때)</translation>
    </message>
    <message>
        <source>Play from the selected segment</source>
        <translation>선택한 구간부터 재생</translation>
    </message>
    <message>
        <source>Edit the segment&apos;s text</source>
        <translation>구간 텍스트 편집</translation>
    </message>
    <message>
        <source>While editing: save / cancel</source>
        <translation>편집 중: 저장 / 취소</translation>
    </message>
    <message>
        <source>While editing: split at the cursor</source>
        <translation>편집 중: 커서 위치에서 나누기</translation>
    </message>
    <message>
        <source>While editing: merge with the previous segment</source>
        <translation>편집 중: 이전 구간과 합치기</translation>
    </message>
    <message>
        <source>Ctrl+Backspace at the start</source>
        <translation>맨 앞에서 Ctrl+Backspace</translation>
    </message>
    <message>
        <source>Timeline: zoom in / out / fit</source>
        <translation>타임라인: 확대 / 축소 / 전체 보기</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>단축키</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>키</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Speech engine</source>
        <translation>음성 인식 엔진</translation>
    </message>
    <message>
        <source>E&amp;ngine:</source>
        <translation>엔진(&amp;N):</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>기록(&amp;H)</translation>
    </message>
    <message>
        <source>key needed</source>
        <translation>키 필요</translation>
    </message>
    <message>
        <source>Runs on this computer; no account or network needed.</source>
        <translation>이 컴퓨터에서 실행되며 계정이나 네트워크가 필요 없습니다.</translation>
    </message>
    <message>
        <source>This engine needs keys. &lt;a href=&apos;#&apos;&gt;Enter them in Settings&lt;/a&gt;.</source>
        <translation>이 엔진은 키가 필요합니다. &lt;a href=&apos;#&apos;&gt;설정에서 입력하세요&lt;/a&gt;.</translation>
    </message>
</context>
<context>
    <name>SubtitlePanel</name>
    <message>
        <source>Subtitles</source>
        <translation>자막</translation>
    </message>
    <message>
        <source>Korean broadcast (default)</source>
        <translation>한국 방송 (기본)</translation>
    </message>
    <message>
        <source>YouTube</source>
        <translation>유튜브</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>사용자 지정</translation>
    </message>
    <message>
        <source>Subtitle preset</source>
        <translation>자막 프리셋</translation>
    </message>
    <message>
        <source>Characters a line</source>
        <translation>한 줄 글자 수</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>줄 수</translation>
    </message>
    <message>
        <source>Characters a second</source>
        <translation>초당 글자 수</translation>
    </message>
    <message>
        <source>Shortest cue (s)</source>
        <translation>최소 표시 시간(초)</translation>
    </message>
    <message>
        <source>Longest cue (s)</source>
        <translation>최대 표시 시간(초)</translation>
    </message>
    <message>
        <source>Gap (frames)</source>
        <translation>자막 간격(프레임)</translation>
    </message>
    <message>
        <source>Frames a second</source>
        <translation>초당 프레임</translation>
    </message>
    <message>
        <source>Close gaps up to (s)</source>
        <translation>이어 붙일 간격(초)</translation>
    </message>
    <message>
        <source>Extend out-times up to (s)</source>
        <translation>끝 시간 연장(초)</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>프리셋(&amp;P):</translation>
    </message>
    <message>
        <source>Preview of the first subtitles</source>
        <translation>처음 자막 미리 보기</translation>
    </message>
    <message>
        <source>Subtitle rule problems</source>
        <translation>자막 규칙 위반</translation>
    </message>
    <message>
        <source>&amp;Jump to segment</source>
        <translation>구간으로 이동(&amp;J)</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>미리 보기</translation>
    </message>
    <message>
        <source>Double-click to open segment {0}</source>
        <translation>두 번 클릭하면 {0}번 구간을 엽니다</translation>
    </message>
    <message>
        <source>… and {0} more</source>
        <translation>… 외 {0}개</translation>
    </message>
    <message>
        <source>{0} rule problems in the subtitles</source>
        <translation>자막 규칙 위반 {0}건</translation>
    </message>
    <message>
        <source>Every subtitle follows the rules.</source>
        <translation>모든 자막이 규칙을 지킵니다.</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>Timeline</source>
        <translation>타임라인</translation>
    </message>
    <message>
        <source>Follow playback</source>
        <translation>재생 위치 따라가기</translation>
    </message>
</context>
<context>
    <name>TranscriptModel</name>
    <message>
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>화자</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>텍스트</translation>
    </message>
    <message>
        <source>Edit text</source>
        <translation>텍스트 고치기</translation>
    </message>
    <message>
        <source>Rename speaker</source>
        <translation>화자 이름 바꾸기</translation>
    </message>
    <message>
        <source>Change speaker</source>
        <translation>화자 바꾸기</translation>
    </message>
    <message>
        <source>Merge segments</source>
        <translation>구간 합치기</translation>
    </message>
    <message>
        <source>Split segment</source>
        <translation>구간 나누기</translation>
    </message>
    <message>
        <source>Change timing</source>
        <translation>시간 변경</translation>
    </message>
    <message>
        <source>Replace all</source>
        <translation>모두 바꾸기</translation>
    </message>
</context>
<context>
    <name>TranscriptPage</name>
    <message>
        <source>Play/pause</source>
        <translation>재생/일시 정지</translation>
    </message>
    <message>
        <source>Back 2 seconds</source>
        <translation>2초 뒤로</translation>
    </message>
    <message>
        <source>Forward 2 seconds</source>
        <translation>2초 앞으로</translation>
    </message>
    <message>
        <source>Previous segment</source>
        <translation>이전 구간</translation>
    </message>
    <message>
        <source>Next segment</source>
        <translation>다음 구간</translation>
    </message>
    <message>
        <source>Split at the cursor (or the playhead)</source>
        <translation>커서(또는 재생 위치)에서 나누기</translation>
    </message>
    <message>
        <source>Merge with next segment</source>
        <translation>다음 구간과 합치기</translation>
    </message>
    <message>
        <source>Merge with previous segment</source>
        <translation>이전 구간과 합치기</translation>
    </message>
    <message>
        <source>Show timeline</source>
        <translation>타임라인 표시</translation>
    </message>
    <message>
        <source>Provisional text while the job runs; it can be edited once it is done.</source>
        <translation>작업 중에 보이는 임시 텍스트입니다. 작업이 끝나면 편집할 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <source>Transcript</source>
        <translation>변환 결과</translation>
    </message>
    <message>
        <source>Find and replace…</source>
        <translation>찾아 바꾸기…</translation>
    </message>
    <message>
        <source>Find next</source>
        <translation>다음 찾기</translation>
    </message>
    <message>
        <source>Find previous</source>
        <translation>이전 찾기</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Merge with next segment</source>
        <translation>다음 구간과 합치기</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>다시 실행</translation>
    </message>
    <message>
        <source>Follow playback</source>
        <translation>재생 위치 따라가기</translation>
    </message>
    <message>
        <source>Keep the segment playing in view (scrolling by hand turns this off)</source>
        <translation>재생 중인 구간을 화면에 유지합니다(직접 스크롤하면 꺼집니다)</translation>
    </message>
    <message>
        <source>Highlight uncertain words</source>
        <translation>불확실한 단어 강조</translation>
    </message>
    <message>
        <source>Rename speaker</source>
        <translation>화자 이름 바꾸기</translation>
    </message>
    <message>
        <source>New name for “{0}” (changes every segment):</source>
        <translation>“{0}”의 새 이름(모든 구간에 적용):</translation>
    </message>
    <message>
        <source>New speaker</source>
        <translation>새 화자</translation>
    </message>
    <message>
        <source>Name of the new speaker:</source>
        <translation>새 화자의 이름:</translation>
    </message>
    <message>
        <source>Speaker {0}</source>
        <translation>화자 {0}</translation>
    </message>
    <message>
        <source>Split segment</source>
        <translation>구간 나누기</translation>
    </message>
    <message>
        <source>Merge segments</source>
        <translation>구간 합치기</translation>
    </message>
    <message>
        <source>Play from here</source>
        <translation>여기서부터 재생</translation>
    </message>
    <message>
        <source>Edit text</source>
        <translation>텍스트 고치기</translation>
    </message>
    <message>
        <source>Split here</source>
        <translation>여기서 나누기</translation>
    </message>
    <message>
        <source>Merge selected segments</source>
        <translation>선택한 구간 합치기</translation>
    </message>
    <message>
        <source>Rename “{0}”…</source>
        <translation>“{0}” 이름 바꾸기…</translation>
    </message>
    <message>
        <source>Assign to speaker</source>
        <translation>화자 지정</translation>
    </message>
    <message>
        <source>New speaker…</source>
        <translation>새 화자…</translation>
    </message>
</context>
<context>
    <name>UnfinishedJobsOffer</name>
    <message>
        <source>&amp;Resume</source>
        <translation>이어서 받기(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>버리기(&amp;D)</translation>
    </message>
    <message>
        <source>and %d more</source>
        <translation>외 %d개</translation>
    </message>
    <message>
        <source>%d unfinished cloud jobs from the last session</source>
        <translation>지난번에 끝나지 않은 클라우드 작업 %d개</translation>
    </message>
    <message>
        <source>1 unfinished cloud job from the last session</source>
        <translation>지난번에 끝나지 않은 클라우드 작업 1개</translation>
    </message>
</context>
<context>
    <name>WordListEditor</name>
    <message>
        <source>Add</source>
        <translation>추가</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>모두 지우기</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>가져오기…</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>저장…</translation>
    </message>
    <message>
        <source>Keyword to boost</source>
        <translation>강조할 키워드</translation>
    </message>
    <message>
        <source>Boosted keywords</source>
        <translation>강조 키워드</translation>
    </message>
    <message>
        <source>Word, or word:weight (e.g. 소리:2)</source>
        <translation>단어 또는 단어:가중치(예: 소리:2)</translation>
    </message>
    <message>
        <source>Word</source>
        <translation>단어</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>키워드</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>가중치</translation>
    </message>
    <message>
        <source>Biasing pair</source>
        <translation>바이어싱 항목</translation>
    </message>
    <message>
        <source>Correct word _ what the engine hears</source>
        <translation>정답 _ 엔진이 잘못 듣는 말</translation>
    </message>
    <message>
        <source>Forbidden word</source>
        <translation>금칙어</translation>
    </message>
    <message>
        <source>Word to leave out of the text</source>
        <translation>결과에서 뺄 단어</translation>
    </message>
    <message>
        <source>Add to the list</source>
        <translation>목록에 추가</translation>
    </message>
    <message>
        <source>Biasing pairs</source>
        <translation>바이어싱 목록</translation>
    </message>
    <message>
        <source>Correct_misheard, e.g. 차단기_차단계</source>
        <translation>정답_인식값(예: 차단기_차단계)</translation>
    </message>
    <message>
        <source>Forbidden words</source>
        <translation>금칙어 목록</translation>
    </message>
    <message>
        <source>Remove the selected entries</source>
        <translation>선택한 항목 삭제</translation>
    </message>
    <message>
        <source>Remove all entries</source>
        <translation>모든 항목 삭제</translation>
    </message>
    <message>
        <source>Import entries from a text file</source>
        <translation>텍스트 파일에서 항목 가져오기</translation>
    </message>
    <message>
        <source>Save the entries to a text file</source>
        <translation>항목을 텍스트 파일로 저장</translation>
    </message>
    <message>
        <source>%s is too large for a word list (more than 1 MB).</source>
        <translation>%s은(는) 단어 목록으로 쓰기에 너무 큽니다(1MB 초과).</translation>
    </message>
    <message>
        <source>%s is not a UTF-8 text file. Save it as UTF-8 and try again.</source>
        <translation>%s은(는) UTF-8 텍스트 파일이 아닙니다. UTF-8로 저장한 뒤 다시 시도하세요.</translation>
    </message>
    <message>
        <source>Cannot read %s: %s</source>
        <translation>%s을(를) 읽을 수 없습니다: %s</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n new entries from %1.</source>
        <translation>
            <numerusform>%1에서 새 항목 %n개를 가져왔습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Skipped lines that are not valid: %s.</source>
        <translation>올바르지 않아 건너뛴 줄: %s.</translation>
    </message>
    <message>
        <source>Saved %s.</source>
        <translation>%s을(를) 저장했습니다.</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>텍스트 파일 (*.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Import word list</source>
        <translation>단어 목록 가져오기</translation>
    </message>
    <message>
        <source>Save word list</source>
        <translation>단어 목록 저장</translation>
    </message>
</context>
</TS>
