{{%AUTOESCAPE context="HTML"}}<p>{{PAGE_CODE_CALLING}} <strong>{{MASKED_NUMBER}}</strong>. {{PAGE_CODE_INSTRUCTIONS}}</p>
<p id="code-time-left">{{CODE_TIME_LEFT}}</p>
<form action="/EnterCode/{{VERIFY_ID}}" method="post">
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
<label for="token">{{PAGE_CODE_LABEL}}</label>
<input id="token" name="token" type="text" autocomplete="one-time-code" inputmode="numeric" maxlength="16" required{{#FIELD_DESCRIBED}} aria-describedby="banner"{{/FIELD_DESCRIBED}}{{#FIELD_INVALID}} aria-invalid="true"{{/FIELD_INVALID}} autofocus>
<button type="submit">{{PAGE_CODE_BUTTON}}</button>
</form>
<form class="aside" action="/EnterCode/{{VERIFY_ID}}/call-again" method="post">
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
{{#CALL_AGAIN_WAIT}}<p id="call-again-wait" data-seconds="{{SECONDS}}" data-one="{{ONE}}" data-other="{{OTHER}}" data-ready="{{PAGE_CODE_NO_CALL}}">{{TEXT}}</p>
{{/CALL_AGAIN_WAIT}}{{#CALL_AGAIN_READY}}<p>{{PAGE_CODE_NO_CALL}}</p>
{{/CALL_AGAIN_READY}}<button type="submit">{{PAGE_CODE_CALL_AGAIN}}</button>
</form>
<form class="aside" action="/EnterCode/{{VERIFY_ID}}/other-number" method="post">
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
<p>{{PAGE_CODE_WRONG_NUMBER}}</p>
<button type="submit">{{PAGE_CODE_OTHER_NUMBER}}</button>
</form>
<script src="/static/countdown.js" defer></script>
