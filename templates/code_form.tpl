{{%AUTOESCAPE context="HTML"}}<p>{{PAGE_CODE_CALLING}} <strong>{{MASKED_NUMBER}}</strong>. {{PAGE_CODE_INSTRUCTIONS}}</p>
<form action="/EnterCode/{{VERIFY_ID}}" method="post">
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
<label for="token">{{PAGE_CODE_LABEL}}</label>
<input id="token" name="token" type="text" autocomplete="one-time-code" inputmode="numeric" maxlength="16" required{{#FIELD_DESCRIBED}} aria-describedby="banner"{{/FIELD_DESCRIBED}}{{#FIELD_INVALID}} aria-invalid="true"{{/FIELD_INVALID}} autofocus>
<button type="submit">{{PAGE_CODE_BUTTON}}</button>
</form>
<p class="aside">{{PAGE_CODE_NO_CALL}} <a href="/">{{PAGE_CODE_START_AGAIN}}</a>.</p>
