/**
 * Messages that would run script, restyle the page or mislead the reader if the widget ever
 * treated a message as anything but text. Most are from the OWASP XSS Filter Evasion Cheat
 * Sheet (https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html,
 * adapted), the rest cover what a Lit/markdown/template stack adds: `${}` and `{{}}`
 * injections, Lit's own marker syntax, markdown links and images, mutation-XSS shapes, bidi
 * overrides and isolates, zero-width characters, very long strings.
 *
 * A payload that runs calls `__xss(<name>)`, a canary the test page defines, so any execution
 * is counted whatever path led to it. `runsAsHtml`: the payload does run when parsed as HTML
 * with no CSP (the test's positive control shows the canary sees those). `refused`: the
 * content rule (docs/protocol.md §4) refuses it with that code, in the widget and in the relay.
 */
export interface XssPayload {
  name: string;
  text: string;
  runsAsHtml?: boolean;
  refused?: 'EMPTY' | 'BAD_REQUEST' | 'TOO_LONG';
}

const call = (name: string): string => `__xss('${name}')`;

const entities = (text: string, radix: 10 | 16, pad: number): string =>
  [...text].map((character) => `&#${radix === 16 ? 'x' : ''}${character.codePointAt(0)!.toString(radix).padStart(pad, '0')};`).join('');

export const XSS_PAYLOADS: XssPayload[] = [
  { name: 'script tag', text: `<script>${call('script tag')}</script>` },
  { name: 'script src data', text: `<script src="data:text/javascript,${call('script src data')}"></script>` },
  { name: 'uppercase script, no quotes', text: `<SCRIPT SRC=//xss.example/.j></SCRIPT>` },
  { name: 'script with slash attribute', text: `<SCRIPT/XSS SRC="data:,${call('slash')}"></SCRIPT>` },
  { name: 'extraneous open brackets', text: `<<SCRIPT>${call('brackets')};//<</SCRIPT>` },
  { name: 'malformed img with script', text: `<IMG """><SCRIPT>${call('malformed img')}</SCRIPT>">` },
  { name: 'img onerror', text: `<img src=x onerror="${call('img onerror')}">`, runsAsHtml: true },
  { name: 'img onerror no quotes', text: `<IMG SRC=/ onerror=${call('img slash')}></img>` },
  { name: 'img javascript src', text: `<IMG SRC="javascript:${call('img js')};">` },
  { name: 'img mixed case javascript', text: `<IMG SRC=JaVaScRiPt:${call('img case')}>` },
  { name: 'img grave accents', text: `<IMG SRC=\`javascript:${call('grave')}\`>` },
  { name: 'img fromCharCode', text: `<IMG SRC=javascript:__xss(String.fromCharCode(88,83,83))>` },
  { name: 'img onmouseover', text: `<IMG SRC=# onmouseover="${call('mouseover')}">` },
  { name: 'decimal entities', text: `<IMG SRC=${entities(`javascript:${call('decimal')}`, 10, 0)}>` },
  { name: 'long decimal entities', text: `<IMG SRC=${entities('javascript:__xss(1)', 10, 7)}>` },
  { name: 'hex entities', text: `<IMG SRC=${entities('javascript:__xss(2)', 16, 0)}>` },
  { name: 'onerror with entity-encoded handler', text: `<img src=x onerror="${entities(call('entity handler'), 10, 0)}">`, runsAsHtml: true },
  { name: 'embedded tab', text: `<IMG SRC="jav\tascript:${call('tab')};">` },
  { name: 'encoded tab and newline', text: `<IMG SRC="jav&#x09;ascript:${call('x09')};"><IMG SRC="jav&#x0A;ascript:${call('x0A')};">` },
  { name: 'half open img', text: `<IMG SRC="\`<javascript:${call('half open')}>\`"` },
  { name: 'svg onload', text: `<svg/onload=${call('svg onload')}>` },
  { name: 'svg script', text: `<svg><script>${call('svg script')}</script></svg>` },
  { name: 'svg animate', text: `<svg><animate onbegin=${call('animate')} attributeName=x dur=1s>` },
  { name: 'svg foreignObject', text: `<svg><foreignObject><iframe srcdoc="<script>parent.${call('foreign')}</script>"></iframe></foreignObject></svg>` },
  { name: 'body onload with junk', text: `<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^\`=${call('body onload')}>` },
  { name: 'title breakout', text: `</TITLE><SCRIPT>${call('title')};</SCRIPT>` },
  { name: 'style breakout', text: `</style><script>${call('style breakout')}</script><style>` },
  { name: 'textarea breakout', text: `</textarea><img src=x onerror=${call('textarea')}>`, runsAsHtml: true },
  { name: 'attribute breakout', text: `"><img src=x onerror=${call('attribute')}>`, runsAsHtml: true },
  { name: 'single-quote attribute', text: `' onmouseover='${call('single quote')}' x='` },
  { name: 'autofocus onfocus', text: `" autofocus onfocus="${call('autofocus')}" x="` },
  { name: 'input image', text: `<INPUT TYPE="IMAGE" SRC="javascript:${call('input')};">` },
  { name: 'details ontoggle', text: `<details open ontoggle=${call('details')}>`, runsAsHtml: true },
  { name: 'iframe javascript', text: `<iframe src="javascript:parent.${call('iframe js')}"></iframe>` },
  { name: 'iframe srcdoc', text: `<iframe srcdoc="<script>parent.${call('srcdoc')}</script>"></iframe>` },
  { name: 'object and embed', text: `<object data="javascript:${call('object')}"></object><embed src="data:text/html,<script>${call('embed')}</script>">` },
  { name: 'anchor javascript', text: `<a href="javascript:${call('anchor')}">your gift</a>` },
  { name: 'anchor entity colon', text: `<a href="jAvAsCrIpT&colon;${call('colon')}">x</a>` },
  { name: 'style list-style-image', text: `<STYLE>li {list-style-image: url("javascript:${call('list style')}");}</STYLE><UL><LI>XSS</br>` },
  { name: 'style attribute', text: `<DIV STYLE="background-image: url(javascript:${call('bg')}); width: expression(${call('expression')});">` },
  { name: 'style import', text: `<style>@import 'data:text/css,body{display:none}';</style>` },
  { name: 'meta refresh', text: `<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:${call('meta')};">` },
  { name: 'base href', text: `<BASE HREF="javascript:${call('base')};//">` },
  { name: 'form action', text: `<form action="javascript:${call('form')}"><button>open</button></form>` },
  { name: 'math mXSS', text: `<math><mtext><table><mglyph><style><img src=x onerror=${call('math')}>` },
  { name: 'noscript mXSS', text: `<noscript><p title="</noscript><img src=x onerror=${call('noscript')}>">`, runsAsHtml: true },
  { name: 'CDATA and comment', text: `<![CDATA[<script>${call('cdata')}</script>]]> <!-- <script>${call('comment')}</script> -->` },
  { name: 'unterminated comment', text: `<!-- everything after this` },
  { name: 'template literal', text: `\${${call('template literal')}} and \${document.cookie}` },
  { name: 'angular-style template', text: `{{constructor.constructor('${call('angular')}')()}} {{7*7}}` },
  { name: 'server templates', text: `<%= ${call('erb')} %> #{${call('ruby')}} {{{${call('triple')}}}} [[${call('brackets2')}]]` },
  { name: 'lit markers', text: `<!--?lit$123456789$--> lit$123456789$ <?lit$0$> \${'lit'}` },
  { name: 'template engine markers', text: `<!--sc1234567--> sc1234567 class="sc1234567" <!----> @click=sc1 .value=sc1` },
  { name: 'markdown link', text: `[click me](javascript:${call('md link')})` },
  { name: 'markdown image', text: `![gift](x" onerror="${call('md image')})` },
  { name: 'markdown autolink', text: `<https://example.com/"onmouseover="${call('autolink')}>` },
  { name: 'link with breakout', text: `https://example.com/"><img src=x onerror=${call('link breakout')}>` },
  { name: 'link with query markup', text: `see https://example.com/?q=<script>${call('query')}</script> for details` },
  { name: 'javascript and data urls as text', text: `javascript:${call('plain js')} data:text/html;base64,PHNjcmlwdD5fX3hzcygpPC9zY3JpcHQ+` },
  { name: 'userinfo url', text: `https://javascript:${call('userinfo')}@example.com/path` },
  { name: 'percent-encoded', text: `%3Cscript%3E${call('percent')}%3C%2Fscript%3E` },
  { name: 'html-escaped', text: `&lt;script&gt;${call('escaped')}&lt;/script&gt; &amp;lt; &quot;` },
  { name: 'js-escaped', text: `\\u003cscript\\u003e${call('js escaped')}\\u003c/script\\u003e \\x3cimg src=x onerror=__xss()\\x3e` },
  { name: 'UTF-7', text: `+ADw-script+AD4-${call('utf7')}+ADw-/script+AD4-` },
  { name: 'full-width brackets', text: `＜script＞${call('fullwidth')}＜/script＞` },
  { name: 'bidi override', text: 'invoice\u202Eexe.txt\u202C is safe, and \u202Eunterminated' },
  { name: 'bidi isolates', text: '\u2066<b>isolated</b>\u2069 \u2067\u05E9\u05DC\u05D5\u05DD\u2069 \u2068first strong\u2069' },
  { name: 'zero-width characters', text: '<scr\u200Bipt>\u200C\u200D\u2060__xss()\u200B</scr\u200Bipt> \uFEFFinside' },
  { name: 'zero-width at the ends (trimmed)', text: '\uFEFF\u00A0<img src=x onerror=__xss()>\u2028\uFEFF' },
  { name: 'newlines around markup', text: 'line one\n<script>\n__xss()\n</script>\n\tline four' },
  { name: 'long, exactly 500 code points', text: `<img src=x onerror=${call('long')}>`.repeat(20).slice(0, 500) },
  { name: 'long emoji, 500 code points', text: '🎅<b>'.repeat(125) },
  // Refused by the content rule before anything could render them.
  { name: 'NUL inside a tag', text: `<scr\u0000ipt>${call('nul')}</script>`, refused: 'BAD_REQUEST' },
  { name: 'terminal hyperlink escape', text: `\u001b]8;;javascript:${call('osc8')}\u001b\\gift\u001b]8;;\u001b\\`, refused: 'BAD_REQUEST' },
  { name: 'C1 control', text: `<img src=x\u0085onerror=${call('c1')}>`, refused: 'BAD_REQUEST' },
  { name: 'lone surrogate', text: `\uD800<img src=x onerror=${call('surrogate')}>`, refused: 'BAD_REQUEST' },
  { name: 'only invisible whitespace', text: ' \u2028\u3000\uFEFF\t\n ', refused: 'EMPTY' },
  { name: 'long, 501 code points', text: `<img src=x onerror=${call('too long')}>`.repeat(20).slice(0, 501), refused: 'TOO_LONG' },
  { name: 'very long, 5000 characters', text: `<script>${call('very long')}</script>`.repeat(200).slice(0, 5000), refused: 'TOO_LONG' },
];
